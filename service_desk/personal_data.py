"""The service desk's part of a person's data (cocreate/accounts/personal_data.py): their tickets
with the public conversation (never internal notes) and the files they attached.

Deletion erases nothing at once: tickets keep their content for ACCOUNTS_TICKET_RETENTION_DAYS
after their last change (the support and warranty record), then the `accounts-anonymise-tickets`
job anonymises them (services/anonymisation.py)."""

from django.conf import settings
from django.db.models import Prefetch, Q

from .models import Ticket, TicketAttachment, TicketMessage


def export(user) -> list[dict]:
    public = TicketMessage.objects.filter(internal=False).select_related("author")
    tickets = (
        Ticket.objects.filter(customer=user)
        .select_related("product")
        .prefetch_related(Prefetch("messages", queryset=public, to_attr="public_messages"))
        .order_by("created_at")
    )
    return [
        {
            "number": ticket.number,
            "subject": ticket.subject,
            "description": ticket.description,
            "category": ticket.category,
            "status": ticket.status,
            "product": ticket.product.name,
            "created_at": ticket.created_at,
            "satisfaction": ticket.csat_score,
            "satisfaction_comment": ticket.csat_comment,
            "link": settings.SITE_URL + ticket.get_absolute_url(),
            "messages": [
                {
                    "from": "you" if message.author_id == user.pk else "support",
                    "name": message.author.public_name,
                    "body": message.body,
                    "sent_at": message.created_at,
                }
                for message in ticket.public_messages
            ],
        }
        for ticket in tickets
    ]


def _their_attachments(user):
    """The files `user` attached to their own tickets, outside internal notes."""
    return (
        TicketAttachment.objects.filter(ticket__customer=user, uploaded_by=user)
        .filter(Q(message__isnull=True) | Q(message__internal=False))
        .select_related("ticket")
    )


def files(user):
    for attachment in _their_attachments(user):
        yield f"{attachment.ticket.number}/{attachment.pk}-{attachment.filename}", attachment.file
