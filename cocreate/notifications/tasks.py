from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .digests import digests_send
from .models import Notification
from .services import notification_emails_send, notification_emails_sweep

# A notification locked by another transaction when its task ran is tried again this much later
# (then the periodic sweep sends it, if the retries run out).
LOCKED_RETRY_SECONDS = 30


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(self, notification_ids: list[int]) -> int:
    """E-mail each notification not e-mailed yet; a retry or a second run sends nothing twice.
    An SMTP error (an OSError) retries the batch; the ones sent before it are not sent again."""
    run = notification_emails_send(ids=notification_ids)
    if run.locked:
        raise self.retry(args=(run.locked,), countdown=LOCKED_RETRY_SECONDS)
    return run.sent


@shared_task
def send_unsent_notification_emails() -> int:
    """Periodic: send the e-mails a task did not (lost, locked out, killed mid-way)."""
    return notification_emails_sweep()


@shared_task
def send_digests() -> int:
    """Periodic: the daily and weekly digest e-mails due (digests.py); idempotent per period."""
    return digests_send()


@shared_task
def purge_read_notifications() -> int:
    """Delete notifications read more than NOTIFICATION_RETENTION_DAYS ago."""
    cutoff = timezone.now() - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    deleted, _unused = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted
