from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "service_desk"
    verbose_name = _("Service desk")

    def ready(self):
        # Tickets linked to a post count on its page and in the designers' score; the community
        # and the designers, floors below, read them through this registration.
        from community.links import register_linked_tickets

        from .models import Ticket

        register_linked_tickets(Ticket._meta.get_field("linked_post"))
