from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Communities")

    def ready(self):
        # The catalog, a floor below, lists the ideas adopted into a product; partners, our
        # sibling, show their suppliers how builds use their parts. Both read them through the
        # catalog's contracts, which this app fills.
        from products.selectors import register_cocreated_ideas, register_part_demand

        from .selectors import adopted_ideas, annotate_part_demand, popular_builds

        register_cocreated_ideas(adopted_ideas)
        register_part_demand(annotate=annotate_part_demand, popular_builds=popular_builds)
