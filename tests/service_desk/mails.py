"""Writing the e-mails the desk's tests receive, and sending the notification e-mails due."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone

from cocreate.notifications.models import Notification
from cocreate.notifications.services import notification_emails_send


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


def send_due_emails() -> None:
    """What the Celery worker would do after the commit: e-mail the notifications due."""
    due = Notification.objects.filter(send_email=True, emailed_at__isnull=True)
    notification_emails_send(ids=list(due.order_by("pk").values_list("pk", flat=True)))
