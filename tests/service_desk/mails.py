"""Writing the e-mails the desk's tests receive (new ones, replies to what the platform sent), a
support mailbox on the tests' Dovecot, and sending the notification e-mails due."""

from email import message_from_bytes
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone

from cocreate.notifications.models import Notification
from cocreate.notifications.services import notification_emails_send
from service_desk.models import Mailbox
from tests.factories.service_desk import MailboxFactory


def compose(
    *,
    sender: str = "Li Wei <li.wei@example.cn>",
    to: str = "support@cocreate.example",
    subject: str = "The grinder stopped",
    body: str = "My grinder stops after two seconds. What can I do?",
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    headers: dict | None = None,
    attachments=(),
    html: str = "",
) -> bytes:
    """A message as a mail program sends it. `attachments`: (name, content type, bytes)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="example.cn")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for name, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)


def reply_to(message, *, sender: str, body: str) -> bytes:
    """The reply a mail program writes to `message` (an e-mail the platform sent, as Django's
    outbox keeps it): to its Reply-To, threaded under it, the original quoted below."""
    original = message_from_bytes(message.message().as_bytes())
    quoted = "\n".join(f"> {line}" for line in message.body.splitlines())
    return compose(
        sender=sender,
        to=original["Reply-To"] or "support@cocreate.example",
        subject=f"Re: {original['Subject']}",
        body=f"{body}\n\nOn Mon, 7 Dec 2026 at 09:12, CoCreate wrote:\n{quoted}",
        in_reply_to=original["Message-ID"],
        references=f"{original['References']} {original['Message-ID']}",
    )


def mailbox_on(dovecot, monkeypatch, **fields):
    """A support mailbox read over IMAPS from the tests' Dovecot; the worker trusts the test's
    CA as an operator trusts a private one (SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.ca_file))
    monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
    return MailboxFactory(
        name="support",
        address="support@cocreate.example",
        host=dovecot.host,
        port=dovecot.tls_port,
        security=Mailbox.Security.TLS,
        username=dovecot.user,
        password_env="TEST_IMAP_PASSWORD",
        **fields,
    )


def send_due_emails() -> None:
    """What the Celery worker would do after the commit: e-mail the notifications due."""
    due = Notification.objects.filter(send_email=True, emailed_at__isnull=True)
    notification_emails_send(ids=list(due.order_by("pk").values_list("pk", flat=True)))
