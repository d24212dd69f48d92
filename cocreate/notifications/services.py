from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from cocreate.core.i18n import as_reader

from .models import Notification
from .tasks import send_notification_emails


def _in_language_of(recipient, text) -> str:
    """Evaluate a lazy translatable string in the recipient's language and time zone, not the
    sender's."""
    with as_reader(recipient):
        return str(text)


@transaction.atomic
def notification_send(
    *,
    recipients: Iterable,
    kind: str,
    title,
    body="",
    url: str = "",
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Notify each recipient in the app and, after commit, by e-mail.

    `title` and `body` may be lazy translations: each recipient gets them in their own language.
    With a `dedupe_key`, a recipient already notified under that key is skipped, so a job that
    runs twice notifies no one twice. Returns the notifications actually created.
    """
    unique_recipients = {recipient.pk: recipient for recipient in recipients}.values()
    rows = [
        Notification(
            recipient=recipient,
            kind=kind,
            title=_in_language_of(recipient, title)[:200],
            body=_in_language_of(recipient, body),
            url=url,
            dedupe_key=dedupe_key,
        )
        for recipient in unique_recipients
    ]
    if dedupe_key:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        # ignore_conflicts returns no primary keys: read the rows back. One left un-e-mailed by an
        # interrupted earlier run is e-mailed now; the e-mail task itself never sends twice.
        created = list(
            Notification.objects.filter(
                dedupe_key=dedupe_key,
                recipient__in=[row.recipient for row in rows],
                emailed_at__isnull=True,
            )
        )
    else:
        created = Notification.objects.bulk_create(rows)
    if email and created:
        ids = [notification.pk for notification in created]
        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return created


def notifications_mark_read(*, recipient, ids: Iterable[int] | None = None) -> int:
    """Mark the recipient's unread notifications (all, or those in `ids`) read."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
