from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "service_desk"
    verbose_name = _("Service desk")

    def ready(self):
        from cocreate.core.badges import register_status_badges
        from cocreate.core.permissions import register_rule

        from .models import Shipment, Ticket
        from .permissions import is_desk_agent

        # The header's Desk link; the designers' review page links linked tickets with it.
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
