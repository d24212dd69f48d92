from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "cocreate.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from cocreate.core.badges import register_status_badges
        from cocreate.core.permissions import register_rule

        from .models import WebhookDelivery
        from .permissions import may_use_webhooks

        register_rule("webhooks.use", may_use_webhooks)  # the profile's Webhooks panel
        register_status_badges(
            WebhookDelivery,
            {
                WebhookDelivery.Status.PENDING: "badge-warn",
                WebhookDelivery.Status.SUCCEEDED: "badge-ok",
                WebhookDelivery.Status.FAILED: "badge-danger",
            },
        )
