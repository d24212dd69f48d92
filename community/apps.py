from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Communities")

    def ready(self):
        from cocreate.core.menu import register_menu_entry

        register_menu_entry(_("Community"), "community:index", position=20)
        register_menu_entry(
            _("Moderation"),
            "community:moderation",
            position=30,
            visible=lambda user: user.is_agent or user.is_designer or user.is_staff,
        )
        # The catalog, a floor below, lists the ideas adopted into a product; partners, our
        # sibling, show their suppliers how builds use their parts. Both read them through the
        # catalog's contracts, which this app fills.
        from products.selectors import register_cocreated_ideas, register_part_demand

        from .selectors import adopted_ideas, annotate_part_demand, popular_builds

        register_cocreated_ideas(adopted_ideas)
        register_part_demand(annotate=annotate_part_demand, popular_builds=popular_builds)
