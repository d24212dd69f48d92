"""Celery tasks of the communities: thin and idempotent (each may run twice)."""

from celery import shared_task

from . import releases


@shared_task(acks_late=True)
def notify_generation_shipped(product_id: int, released_by_id: int | None = None) -> int:
    """Tell the supporters of the ideas a released generation ships (community/releases.py);
    a second run notifies nobody twice."""
    return releases.release_notify(product_id=product_id, released_by_id=released_by_id)
