from celery import shared_task

from .services import outbox_publish_due


@shared_task
def publish_outbox() -> int:
    """Periodic: publish the tasks that wait in the outbox (the broker was down at commit)."""
    return outbox_publish_due()
