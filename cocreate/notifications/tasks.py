from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.i18n import as_reader

from .models import Notification


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notification not e-mailed yet; a retry or a second run sends nothing twice."""
    sent = 0
    for notification_id in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(pk=notification_id, emailed_at__isnull=True)
                .first()
            )
            if notification is None or not notification.recipient.email:
                continue
            _send(notification)
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            sent += 1
    return sent


def _send(notification: Notification) -> None:
    recipient = notification.recipient
    with as_reader(recipient):
        link = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
        footer = _("You receive this because you have an account on CoCreate.")
        body = "\n\n".join(part for part in (notification.body, link, footer) if part)
        send_mail(
            subject=f"[CoCreate] {notification.title}",
            message=body,
            from_email=None,
            recipient_list=[recipient.email],
        )


@shared_task
def purge_read_notifications() -> int:
    """Delete notifications read more than NOTIFICATION_RETENTION_DAYS ago."""
    cutoff = timezone.now() - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    deleted, _unused = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted
