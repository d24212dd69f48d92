"""The communities' Celery tasks: thin and idempotent (a second run notifies no one twice)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def notify_product_followers(post_id: int) -> int:
    return services.product_followers_notify(post_id=post_id)
