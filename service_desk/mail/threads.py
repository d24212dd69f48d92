"""Which ticket an e-mail is about: the thread reference every ticket e-mail carries, and the
way back from a reply's In-Reply-To and References to the ticket."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from cocreate.notifications.models import Notification
from cocreate.notifications.services import EmailThread

from ..models import InboundMail, Mailbox, Ticket

_SALT = "service_desk.mail.thread"
_THREAD = re.compile(r"^<ticket-(\d+)\.([0-9a-f]{16})@")
_NOTIFICATION = re.compile(r"^<notification-(\d+)-\d{14}@")


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "cocreate.invalid"


def _signature(ticket_pk: int) -> str:
    return salted_hmac(_SALT, str(ticket_pk)).hexdigest()[:16]


def ticket_thread_reference(ticket: Ticket) -> str:
    """The Message-ID every e-mail about `ticket` refers to. Signed, so a made-up reference
    cannot point a message at someone else's ticket."""
    return f"<ticket-{ticket.pk}.{_signature(ticket.pk)}@{_domain()}>"


def ticket_reply_address(ticket: Ticket) -> str:
    """Where replies about `ticket` go: the mailbox its mail came from, else an active mailbox
    of its product, else the first active mailbox; "" while no mailbox is set up."""
    if ticket.mailbox_id and ticket.mailbox.active:
        return ticket.mailbox.address
    mailboxes = Mailbox.objects.filter(active=True)
    mailbox = mailboxes.filter(product_id=ticket.product_id).first() or mailboxes.first()
    return mailbox.address if mailbox else ""


def ticket_email_thread(ticket: Ticket) -> EmailThread:
    return EmailThread(
        reference=ticket_thread_reference(ticket), reply_to=ticket_reply_address(ticket)
    )


def ticket_from_references(message_ids) -> Ticket | None:
    """The ticket a reply refers to, newest reference first: our thread reference, one of our
    notification e-mails about a ticket, or a message the desk received for one."""
    for message_id in reversed(list(message_ids)):
        ticket_pk = _ticket_pk(message_id)
        if ticket_pk is not None:
            ticket = Ticket.objects.filter(pk=ticket_pk).first()
            if ticket is not None:
                return ticket
    return None


def _ticket_pk(message_id: str) -> int | None:
    if match := _THREAD.match(message_id):
        pk, signature = int(match[1]), match[2]
        return pk if constant_time_compare(signature, _signature(pk)) else None
    if match := _NOTIFICATION.match(message_id):
        thread = (
            Notification.objects.filter(pk=int(match[1]))
            .values_list("email_thread", flat=True)
            .first()
        )
        return _ticket_pk(thread) if thread else None
    return (
        InboundMail.objects.filter(message_key=message_id, ticket__isnull=False)
        .values_list("ticket_id", flat=True)
        .first()
    )
