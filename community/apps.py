from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Communities")

    def ready(self):
        # Partners, our sibling, show their suppliers how builds use their parts: they read it
        # through the catalog's contract, which this app fills.
        from products.selectors import register_part_demand

        from .selectors import annotate_part_demand, popular_builds

        register_part_demand(annotate=annotate_part_demand, popular_builds=popular_builds)
