from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Communities")

    def ready(self):
        from cocreate.core.badges import register_status_badges
        from cocreate.core.menu import register_menu_entry

        from .models import Post, StatusChange
        from .permissions import can_moderate

        register_menu_entry(_("Community"), "community:index", position=20)
        register_menu_entry(_("Roadmap"), "community:roadmap", position=25)
        register_menu_entry(
            _("Moderation"), "community:moderation", position=30, visible=can_moderate
        )
        # Each status has its colour in static/css/community.css.
        status_classes = {status: f"status-{status}" for status in Post.Status.values}
        register_status_badges(Post, status_classes)
        register_status_badges(StatusChange, status_classes, field="new_status")
        # The catalog, a floor below, lists the ideas adopted into a product; partners, our
        # sibling, show their suppliers how builds use their parts. Both read them through the
        # catalog's contracts, which this app fills.
        from products.selectors import register_cocreated_ideas, register_part_demand

        from .selectors import adopted_ideas, annotate_part_demand, popular_builds

        register_cocreated_ideas(adopted_ideas)
        register_part_demand(annotate=annotate_part_demand, popular_builds=popular_builds)
        # A generation's release credits the ideas it ships and tells their supporters.
        from products.services import register_release_hook

        from .releases import release_credit

        register_release_hook(release_credit)
