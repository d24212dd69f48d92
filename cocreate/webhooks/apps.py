from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "cocreate.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from cocreate.core.permissions import register_rule

        from .permissions import may_use_webhooks

        register_rule("webhooks.use", may_use_webhooks)  # the profile's Webhooks panel
