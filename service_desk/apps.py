from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "service_desk"
    verbose_name = _("Service desk")

    def ready(self):
        from cocreate.accounts.roles import Landing
        from cocreate.core.badges import register_status_badges
        from cocreate.core.media import register_private_root
        from cocreate.core.menu import register_menu_entry
        from cocreate.core.permissions import register_rule

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import Shipment, Ticket
        from .permissions import is_desk_agent

        register_menu_entry(_("Support"), "service_desk:home", position=30)
        register_menu_entry(
            _("Desk"),
            "service_desk:desk_queue",
            position=10,
            visible=is_desk_agent,
            landing=Landing.AGENT,
            description=_("The ticket queue: take the next ticket, answer, keep the SLAs."),
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
        _register_notification_kinds(is_desk_agent)
        # The words of the published articles correct typos in searches (docs/search.md).
        from cocreate.core.vocabulary import register_vocabulary_source

        from .selectors import vocabulary_texts

        register_vocabulary_source(vocabulary_texts)
        _register_own_page_section()
        # Partners, a floor below, count the tickets about the parts they supply (their demand
        # page) through the catalog's contract.
        from products.selectors import register_part_tickets

        from . import part_tickets

        register_part_tickets(
            annotate=part_tickets.annotate,
            per_product=part_tickets.per_product,
            categories=part_tickets.categories,
        )
        # A person's tickets in their data export; anonymised after the retention period once
        # their account is deleted (services/anonymisation.py), not at once.
        from cocreate.accounts.personal_data import register_personal_data

        from . import personal_data

        register_personal_data(
            "tickets", export=personal_data.export, erase=None, files=personal_data.files
        )


def _register_notification_kinds(is_desk_agent) -> None:
    """The groups in which customers and agents choose how they hear of tickets (docs/
    notifications.md). An agent's answer is always e-mailed: a support conversation must not
    wait in a digest or go unnoticed in the app."""
    from cocreate.notifications.kinds import Delivery, register_kind_group

    register_kind_group(
        "service_desk.replies",
        _("Answers on my support tickets"),
        description=_(
            "An agent answered your ticket, or we received your request by e-mail. Always "
            "e-mailed at once."
        ),
        section=_("Support"),
        kinds=["ticket.reply", "ticket.received"],
        default=Delivery.EMAIL,
        choices=[Delivery.EMAIL],
        position=30,
    )
    register_kind_group(
        "service_desk.ticket_updates",
        _("Status and shipments of my tickets"),
        description=_("Your ticket was resolved or closed, or a repair shipment moved."),
        section=_("Support"),
        kinds=["ticket.status", "ticket.shipment"],
        default=Delivery.EMAIL,
        position=31,
    )
    register_kind_group(
        "service_desk.desk",
        _("Desk work"),
        description=_(
            "A ticket was assigned to you, a customer replied or reopened, an SLA broke."
        ),
        section=_("Desk"),
        kinds=[
            "ticket.assigned",
            "ticket.customer_reply",
            "ticket.reopened",
            "ticket.sla_breached",
            "ticket.rule",
        ],
        default=Delivery.EMAIL,
        visible=is_desk_agent,
        position=40,
    )


def _register_own_page_section() -> None:
    """A person's tickets on their own page (cocreate/accounts/own_page.py)."""
    from django.urls import reverse

    from cocreate.accounts.own_page import register_own_page_section

    from .selectors import own_tickets

    register_own_page_section(
        "tickets",
        title=_("My tickets"),
        read=own_tickets,
        template="service_desk/_own_tickets.html",
        list_url=lambda user: reverse("service_desk:ticket_list"),
        list_label=_("All my tickets"),
        empty=_("No support tickets. Need help with a unit? Our team answers here."),
        action_label=_("File a ticket"),
        action_url=lambda user: reverse("service_desk:ticket_new"),
        position=20,
    )
