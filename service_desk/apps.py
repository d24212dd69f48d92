from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "service_desk"
    verbose_name = _("Service desk")

    def ready(self):
        from cocreate.core.badges import register_status_badges
        from cocreate.core.media import register_private_root
        from cocreate.core.menu import register_menu_entry
        from cocreate.core.permissions import register_rule

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import Shipment, Ticket
        from .permissions import is_desk_agent

        register_menu_entry(_("Support"), "service_desk:home", position=30)
        register_menu_entry(
            _("Desk"), "service_desk:desk_queue", position=10, visible=is_desk_agent
        )
        # The designers' review page links linked tickets by the desk's own rule.
        register_rule("service_desk.desk", is_desk_agent)
        register_status_badges(
            Ticket,
            {
                Ticket.Status.OPEN: "badge-accent",
                Ticket.Status.PENDING_CUSTOMER: "badge-warn",
                Ticket.Status.RESOLVED: "badge-ok",
                Ticket.Status.CLOSED: "badge-muted",
            },
        )
        register_status_badges(
            Shipment,
            {
                Shipment.Status.DELIVERED: "badge-ok",
                Shipment.Status.EXCEPTION: "badge-danger",
                Shipment.Status.RETURNED: "badge-danger",
            },
        )
        # Ticket attachments are private: /media/ refuses them wherever their directory is.
        register_private_root("SERVICE_DESK_ATTACHMENT_ROOT")
        # Tickets linked to a post count on its page and in the designers' score; the community
        # and the designers, floors below, read them through this registration.
        from community.links import register_linked_tickets

        register_linked_tickets(Ticket._meta.get_field("linked_post"))
