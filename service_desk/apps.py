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
        # Tickets linked to a post count on its page and in the designers' score; the community
        # and the designers, floors below, read them through this registration.
        from community.links import register_linked_tickets

        from .models import Ticket

        register_linked_tickets(Ticket._meta.get_field("linked_post"))
