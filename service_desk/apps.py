from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "service_desk"
    verbose_name = _("Service desk")

    def ready(self):
        from cocreate.core.media import register_private_root
        from cocreate.core.menu import register_menu_entry

        from . import checks  # noqa: F401  (registers the system checks)

        register_menu_entry(_("Support"), "service_desk:home", position=30)
        register_menu_entry(
            _("Desk"),
            "service_desk:desk_queue",
            position=10,
            visible=lambda user: user.is_agent or user.is_staff,
        )
        # Ticket attachments are private: /media/ refuses them wherever their directory is.
        register_private_root("SERVICE_DESK_ATTACHMENT_ROOT")
