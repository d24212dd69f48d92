"""Tickets of deleted accounts, anonymised once their retention period is over.

A deleted account's tickets keep their content for ACCOUNTS_TICKET_RETENTION_DAYS after their
last change, then this job removes what the person wrote: the ticket's subject and description,
their satisfaction comment, their messages' text and the files they attached, and the e-mails
they sent (InboundMail keeps its row, for the Message-ID that stops a redelivery, without the
sender, subject or message), and with them from the ticket's search document. The agents'
answers and internal notes stay.

The history (TicketEvent) is append-only, enforced by a database trigger, and holds no text of
the customer's: its lines stay as they are, their actor being the anonymised account, and one
more line records the anonymisation.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from cocreate.accounts.models import AuditLogEntry
from cocreate.accounts.services import audit_record

from ..models import InboundMail, Ticket, TicketAttachment, TicketEvent, attachment_storage
from ..search_document import documents_refresh
from ._common import _event

BATCH = 200


def tickets_anonymise_former_members(*, now=None) -> int:
    """Anonymise every ticket whose customer deleted their account and whose last change is
    older than the retention period, one transaction per ticket; returns how many. Tickets being
    changed meanwhile are skipped and taken by the next run."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCOUNTS_TICKET_RETENTION_DAYS)
    due = Ticket.objects.filter(
        customer__erased_at__isnull=False, anonymised_at__isnull=True, updated_at__lt=cutoff
    )
    done = 0
    for ticket_id in list(due.values_list("pk", flat=True)[:BATCH]):
        done += _anonymise(ticket_id, cutoff)
    return done


@transaction.atomic
def _anonymise(ticket_id: int, cutoff) -> bool:
    ticket = (
        Ticket.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("customer")
        .filter(
            pk=ticket_id,
            customer__erased_at__isnull=False,
            anonymised_at__isnull=True,
            updated_at__lt=cutoff,
        )
        .first()
    )
    if ticket is None:
        return False
    customer = ticket.customer
    with translation.override(settings.LANGUAGE_CODE):
        ticket.subject = gettext("Anonymised ticket")
    ticket.description = ticket.description_html = ticket.csat_comment = ""
    ticket.anonymised_at = timezone.now()
    ticket.save(update_fields=["subject", "description", "description_html", "csat_comment",
                               "anonymised_at", "updated_at"])  # fmt: skip
    ticket.messages.filter(author=customer).update(body="", body_html="")
    documents_refresh([ticket.pk])  # their words must not find the ticket any more
    attachments = TicketAttachment.objects.filter(ticket=ticket, uploaded_by=customer)
    files = [name for name in attachments.values_list("file", flat=True) if name]
    attachments.delete()
    transaction.on_commit(lambda: [attachment_storage.delete(name) for name in files])
    InboundMail.objects.filter(ticket=ticket).filter(
        Q(message__isnull=True) | Q(message__author=customer)
    ).update(sender="", subject="", raw=b"")
    _event(ticket, None, TicketEvent.Kind.ANONYMISED, internal=True)
    audit_record(
        action=AuditLogEntry.Action.TICKETS_ANONYMISED, subject=customer, detail=ticket.number
    )
    return True
