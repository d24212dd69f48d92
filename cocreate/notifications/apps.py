from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "cocreate.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from cocreate.accounts.personal_data import register_personal_data

        from . import personal_data

        register_personal_data(
            "notifications", export=personal_data.export, erase=personal_data.erase
        )
