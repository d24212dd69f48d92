from celery import shared_task

from .services import sla_check as sla_check_service


@shared_task
def sla_check() -> dict[str, int]:
    """Every few minutes (CELERY_BEAT_SCHEDULE): mark at-risk and breached tickets, escalate once."""
    return sla_check_service()
