"""One received e-mail becomes a ticket, a reply on one, or a "Failed mail" entry; never nothing.

`mail_receive` is the one entry point, for the IMAP fetch and the mail server's pipe alike. It
records the message whole (InboundMail) in the transaction that creates the ticket or the reply,
so the mailbox may let the message go as soon as it returns. The same message received again
(same Message-ID) is the record already there: no second ticket.
"""

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, InterfaceError, OperationalError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cocreate.accounts.selectors import has_verified_email
from cocreate.accounts.services import user_create_unclaimed
from cocreate.core import clock
from cocreate.core.uploads import MAX_FILES_PER_MESSAGE, validate_attachment

from ..models import Channel, InboundMail, Mailbox, Ticket
from ..permissions import customer_may_reopen, is_desk_agent
from ..services import ticket_change_status, ticket_create, ticket_reply
from ..services._common import _notify_customer
from .parsing import MailParseError, ParsedMail, parse_mail
from .quoting import reply_text
from .threads import ticket_from_references

logger = logging.getLogger(__name__)

Status = InboundMail.Status
_TICKET_NUMBER = re.compile(r"\bT-(\d{6,9})\b")
# Attachments looked at per message: the first few are kept, the rest reported as left out.
_ATTACHMENTS_PARSED = 4 * MAX_FILES_PER_MESSAGE


class MailRefused(Exception):
    """This message cannot become a ticket or a reply: it goes to "Failed mail" with `reason`."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


@dataclass
class _Files:
    accepted: list = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def mail_receive(*, mailbox: Mailbox, raw: bytes) -> InboundMail:
    """Receive one message for `mailbox`; returns its record, new or (a second delivery) old.

    Whatever the message, it ends recorded and committed: as a ticket, a reply, ignored
    automatic mail, or failed with the reason. Only a database that cannot be reached raises
    (OperationalError): the caller leaves the message where it is and tries again later.
    """
    parsed, refusal = _parse(raw)
    key = (
        _storable(parsed.message_id if parsed else "")
        or f"sha256:{hashlib.sha256(raw).hexdigest()}"
    )
    with transaction.atomic():
        earlier = InboundMail.objects.filter(message_key=key).first()
        if earlier is not None:
            return earlier
        mail = InboundMail(
            mailbox=mailbox,
            message_key=key,
            sender=_storable(parsed.sender) if parsed else "",
            subject=_storable(parsed.subject) if parsed else "",
            size=len(raw),
            raw=raw,
            status=Status.FAILED,
            reason=str(refusal or ""),
        )
        try:
            with transaction.atomic():
                mail.save()
        except IntegrityError:
            # Received at this moment by another run (a second fetch, the pipe): theirs stands.
            return InboundMail.objects.get(message_key=key)
        if parsed is not None and refusal is None:
            _process(mail, parsed)
        mail.save()
    return mail


def _storable(text: str) -> str:
    """Text the database takes whatever a header held: no NUL, nothing that is not UTF-8.
    The parser already promises it; the record that keeps a message must not depend on that."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


@transaction.atomic
def inbound_mail_retry(*, mail: InboundMail) -> InboundMail:
    """Process a failed message again (staff fixed its cause: an account, a setting)."""
    mail = InboundMail.objects.select_for_update().get(pk=mail.pk)
    if mail.status != Status.FAILED:
        return mail
    parsed, refusal = _parse(bytes(mail.raw))
    mail.attempts += 1
    mail.reason = str(refusal or "")
    if refusal is None:
        _process(mail, parsed)
    mail.save()
    return mail


@transaction.atomic
def inbound_mail_discard(*, mail: InboundMail) -> InboundMail:
    """Staff decided a failed message needs nothing: it leaves the list, its bytes are dropped."""
    mail = InboundMail.objects.select_for_update().get(pk=mail.pk)
    if mail.status == Status.FAILED:
        mail.status = Status.DISCARDED
        mail.raw = b""
        mail.save(update_fields=["status", "raw"])
    return mail


def _parse(raw: bytes) -> tuple[ParsedMail | None, object]:
    """The parsed message and, when it cannot be processed, why."""
    limit = settings.SERVICE_DESK_MAIL_MAX_BYTES
    too_large = None
    if len(raw) > limit:
        too_large = _("The message is too large (%(size)s); the limit is %(limit)s.") % {
            "size": filesizeformat(len(raw)),
            "limit": filesizeformat(limit),
        }
        raw = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]  # its headers, for the list
    try:
        parsed = parse_mail(raw, max_attachments=_ATTACHMENTS_PARSED)
    except MailParseError as error:
        return None, too_large or error.reason
    return parsed, too_large


def _process(mail: InboundMail, parsed: ParsedMail) -> None:
    """Route the message in a savepoint of its own: refused, it leaves nothing but the record,
    which then points at no ticket or message (those the savepoint took back)."""
    try:
        with transaction.atomic():
            _route(mail, parsed)
        return
    except MailRefused as refusal:
        reason = str(refusal.reason)
    except ValidationError as error:
        reason = " ".join(error.messages)
    except PermissionDenied as error:
        reason = str(error) or gettext("The sender may not write on this ticket.")
    except DataError as error:  # text the database refuses, e.g. a NUL character
        reason = gettext("The database refused the message: %(error)s") % {"error": error}
    except (OperationalError, InterfaceError):
        raise  # an outage: the message stays where it is, for the next try
    except Exception as error:  # a bad message must not stop the mailbox
        logger.exception("Received mail %s could not be processed.", mail.pk)
        reason = gettext("Unexpected error (%(error)s); see the server log.") % {
            "error": type(error).__name__
        }
    mail.status, mail.reason = Status.FAILED, reason
    mail.ticket = mail.message = None


def _route(mail: InboundMail, parsed: ParsedMail) -> None:
    automatic = _automatic(parsed)
    if automatic:
        mail.status, mail.reason = Status.IGNORED, automatic
        return
    ticket = ticket_from_references((*parsed.in_reply_to, *parsed.references))
    if ticket is None:
        ticket = _ticket_named_in_subject(parsed)
    if ticket is not None:
        _continue(mail, parsed, ticket)
    else:
        _open(mail, parsed)


def _automatic(parsed: ParsedMail) -> str:
    """Why this message gets no ticket and no answer ("" for a person's mail): auto-replies,
    bounces, lists, and our own e-mails coming back, which would loop."""
    if parsed.automatic:
        return gettext("Automatic mail (%(reason)s): no ticket, no answer.") % {
            "reason": parsed.automatic
        }
    if parsed.sender in _own_addresses():
        return gettext("Sent from one of our own addresses: no ticket, no answer.")
    return ""


def _own_addresses() -> set[str]:
    addresses = {
        parseaddr(address)[1].lower()
        for address in (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL)
    }
    addresses.update(
        address.lower() for address in Mailbox.objects.values_list("address", flat=True)
    )
    return addresses


def _ticket_named_in_subject(parsed: ParsedMail) -> Ticket | None:
    """The ticket whose number the subject names, only for a sender who takes part in it: the
    customer or an agent. Anyone else's subject is a new ticket, whatever number it names."""
    match = _TICKET_NUMBER.search(parsed.subject)
    if match is None:
        return None
    ticket = Ticket.objects.select_related("customer").filter(pk=int(match[1])).first()
    if ticket is None or _author(ticket, parsed.sender) is None:
        return None
    return ticket


def _author(ticket: Ticket, sender: str):
    """Who `sender` is on `ticket`: its customer, an agent of the desk, or None (no one)."""
    if ticket.customer.email.lower() == sender and ticket.customer.is_active:
        return ticket.customer
    for user in get_user_model().objects.filter(email__iexact=sender, is_active=True):
        if is_desk_agent(user):
            return user
    return None


def _continue(mail: InboundMail, parsed: ParsedMail, ticket: Ticket) -> None:
    """A reply: a public message on `ticket` by its customer or an agent."""
    author = _author(ticket, parsed.sender)
    if author is None:
        raise MailRefused(
            _("%(sender)s replied on %(number)s but is neither its customer nor an agent.")
            % {"sender": parsed.sender, "number": ticket.number}
        )
    files = _attachments(parsed)
    if author.pk == ticket.customer_id and not is_desk_agent(author):
        ended = ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
        if ended and not customer_may_reopen(ticket, clock.now()):
            _open(mail, parsed, follow_up_of=ticket, customer=author, files=files)
            return
        if ticket.status == Ticket.Status.CLOSED:
            ticket = ticket_change_status(ticket=ticket, actor=author, status=Ticket.Status.OPEN)
    with translation.override(author.language or settings.LANGUAGE_CODE):
        body = _text(reply_text(parsed.text), 20000)
    message = ticket_reply(
        ticket=ticket, author=author, body=body, attachments=files.accepted, channel=Channel.EMAIL
    )
    mail.status, mail.ticket, mail.message = Status.REPLY, ticket, message
    mail.reason = _refused_note(files)


def _open(mail, parsed, *, follow_up_of=None, customer=None, files=None) -> None:
    """A new ticket from the sender, acknowledged by one e-mail with its number."""
    mailbox = mail.mailbox
    _check_flood(parsed.sender)
    customer = customer or _sender_account(parsed, mailbox)
    with translation.override(customer.language or mailbox.language):
        files = files if files is not None else _attachments(parsed)
        subject = parsed.subject or gettext("(no subject)")
        description = _text(parsed.text, 20000)
    ticket = ticket_create(
        customer=customer,
        product=mailbox.product,
        category=mailbox.category,
        subject=subject[:200],
        description=description,
        attachments=files.accepted,
        channel=Channel.EMAIL,
        mailbox=mailbox,
        follow_up_of=follow_up_of,
    )
    mail.status, mail.ticket = Status.TICKET, ticket
    mail.reason = _refused_note(files)
    _acknowledge(ticket, files, follow_up_of)


def _check_flood(sender: str) -> None:
    limit = settings.SERVICE_DESK_MAIL_TICKETS_PER_HOUR
    recent = InboundMail.objects.filter(
        sender=sender, status=Status.TICKET, received_at__gte=clock.now() - timedelta(hours=1)
    ).count()
    if recent >= limit:
        raise MailRefused(
            _("%(sender)s already opened %(count)d tickets by e-mail in the last hour.")
            % {"sender": sender, "count": recent}
        )


def _sender_account(parsed: ParsedMail, mailbox: Mailbox):
    """The account whose verified address wrote, else a new customer account for it, which its
    owner claims by resetting the password."""
    accounts = get_user_model().objects.filter(email__iexact=parsed.sender).order_by("pk")
    for account in accounts:
        if has_verified_email(account):
            return account
    if any(account.is_active for account in accounts):
        # Whoever opened it typed this address but never confirmed it: the ticket is not
        # filed under it, an agent decides (failed mail).
        raise MailRefused(
            _("The account of %(sender)s has not confirmed its e-mail address yet.")
            % {"sender": parsed.sender}
        )
    if accounts.exists():
        raise MailRefused(
            _("The account of %(sender)s is deactivated.") % {"sender": parsed.sender}
        )
    return user_create_unclaimed(
        email=parsed.sender, display_name=parsed.sender_name, language=mailbox.language
    )


def _attachments(parsed: ParsedMail) -> _Files:
    """The message's files the web form would accept, at most as many as it takes; the others
    are named in the record's reason and in the acknowledgement."""
    files = _Files()
    for attachment in parsed.attachments:
        upload = ContentFile(attachment.data, name=attachment.filename)
        if len(files.accepted) >= MAX_FILES_PER_MESSAGE:
            files.refused.append(
                gettext("%(name)s: at most %(count)d files are kept per message.")
                % {"name": attachment.filename, "count": MAX_FILES_PER_MESSAGE}
            )
            continue
        try:
            validate_attachment(upload)
        except ValidationError as error:
            files.refused.append(" ".join(error.messages))
            continue
        files.accepted.append(upload)
    if parsed.attachments_left_out:
        files.refused.append(
            gettext("%(count)d more attachments were not looked at.")
            % {"count": parsed.attachments_left_out}
        )
    return files


def _refused_note(files: _Files) -> str:
    if not files.refused:
        return ""
    return gettext("Attachments not kept: %(files)s") % {"files": " ".join(files.refused)}


def _text(text: str, limit: int) -> str:
    text = (text or "").strip() or gettext("(The e-mail had no text.)")
    if len(text) > limit:
        text = text[: limit - 60].rstrip() + "\n\n" + gettext("[The e-mail was shortened here.]")
    return text


def _acknowledge(ticket: Ticket, files: _Files, follow_up_of: Ticket | None) -> None:
    body = [_("Our support team will answer you by e-mail. Reply to this e-mail to add to it.")]
    if follow_up_of is not None:
        body.append(
            format_lazy(
                _("It follows up {number}, which was closed too long ago to reopen."),
                number=follow_up_of.number,
            )
        )
    if files.refused:
        body.append(_refused_note(files))
    _notify_customer(
        ticket,
        kind="ticket.received",
        title=format_lazy(
            _("We received your request {number}: {subject}"),
            number=ticket.number,
            subject=ticket.subject,
        ),
        body=format_lazy("{}" + "\n\n{}" * (len(body) - 1), *body),
        dedupe_key=f"ticket-received-{ticket.pk}",
    )
