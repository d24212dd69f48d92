from celery import shared_task
from django.conf import settings

from .models import WebhookDelivery
from .services import webhook_delivery_attempt


def retry_delay(attempts: int) -> int:
    """Exponential backoff: base, 2×base, 4×base … after the 1st, 2nd, 3rd failed attempt."""
    return settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1)


@shared_task(bind=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> str:
    """Deliver once; on failure schedule the next attempt. A re-run of a finished one does nothing."""
    delivery = webhook_delivery_attempt(delivery_id=delivery_id)
    if delivery is None:
        return "skipped"
    if delivery.status == WebhookDelivery.Status.PENDING:
        raise self.retry(countdown=retry_delay(delivery.attempts))
    return delivery.status
