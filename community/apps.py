from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Communities")

    def ready(self):
        from cocreate.core.permissions import register_rule

        from .permissions import can_moderate

        register_rule("community.moderate", can_moderate)  # the header's Moderation link
