"""Periodic jobs of the designers' workspace: thin, idempotent (see designers/surfacing.py)."""

from celery import shared_task

from . import digest, surfacing


@shared_task(acks_late=True)
def surface_popular() -> dict:
    result = surfacing.surface_popular()
    return {
        "ran": result.ran,
        "rescored": result.rescored,
        "surfaced": result.surfaced,
        "notified": result.notified,
    }


@shared_task(acks_late=True)
def weekly_digest() -> int:
    return digest.weekly_digest_send()
