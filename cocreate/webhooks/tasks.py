from celery import shared_task

from .models import WebhookDelivery
from .services import webhook_delivery_attempt, webhook_delivery_requeue_overdue


@shared_task(bind=True, max_retries=None)
def deliver_webhook(self, delivery_id: int, attempt: int = 1) -> str:
    """Make attempt `attempt` of a delivery; on failure schedule the next one when it is due.

    A re-run of an attempt already made (or of a finished delivery) does nothing.
    """
    delivery = webhook_delivery_attempt(delivery_id=delivery_id, attempt=attempt)
    if delivery is None:
        return "skipped"
    if delivery.status == WebhookDelivery.Status.PENDING:
        raise self.retry(
            args=(delivery_id,), kwargs={"attempt": attempt + 1}, eta=delivery.next_attempt_at
        )
    return delivery.status


@shared_task
def requeue_overdue_deliveries() -> int:
    """Periodic: queue again the pending deliveries whose next attempt was never run."""
    return webhook_delivery_requeue_overdue()
