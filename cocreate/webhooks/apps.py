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
        from cocreate.accounts.personal_data import register_personal_data

        from . import personal_data

        register_personal_data("webhooks", export=personal_data.export, erase=personal_data.erase)
        register_status_badges(
            WebhookDelivery,
            {
                WebhookDelivery.Status.PENDING: "badge-warn",
                WebhookDelivery.Status.SUCCEEDED: "badge-ok",
                WebhookDelivery.Status.FAILED: "badge-danger",
            },
        )
