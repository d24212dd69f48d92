"""The communities' Celery tasks: thin and idempotent (a second run notifies no one twice)."""

from celery import shared_task

from . import releases, services


@shared_task(acks_late=True)
def notify_generation_shipped(product_id: int, released_by_id: int | None = None) -> int:
    """Tell the supporters of the ideas a released generation ships (community/releases.py)."""
    return releases.release_notify(product_id=product_id, released_by_id=released_by_id)


@shared_task(acks_late=True)
def notify_product_followers(post_id: int) -> int:
    return services.product_followers_notify(post_id=post_id)
