from celery import shared_task

from .mail.fetching import fetch_all_mailboxes
from .services import bulk_action_continue, metrics_refresh, tickets_anonymise_former_members
from .services import sla_check as sla_check_service


@shared_task
def sla_check() -> dict[str, int]:
    """Every few minutes (CELERY_BEAT_SCHEDULE): mark at-risk and breached tickets, escalate once."""
    return sla_check_service()


@shared_task
def fetch_mail() -> dict[str, int]:
    """Every minute (CELERY_BEAT_SCHEDULE): read each support mailbox; messages per mailbox."""
    return {run.mailbox: run.total for run in fetch_all_mailboxes()}


@shared_task
def anonymise_former_members_tickets() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): tickets of deleted accounts past their retention period."""
    return tickets_anonymise_former_members()


@shared_task
def bulk_action_run(bulk_action_id: int) -> bool:
    """A bulk action on many tickets: its next pending tickets, then queued again while some
    are left (services/queue.py); tickets already done are skipped, so re-delivery is harmless."""
    return bulk_action_continue(bulk_action_id)


@shared_task
def refresh_metrics() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): the metrics' stale days recomputed, so the metrics
    page seldom has any left to recompute itself; returns the days recomputed."""
    return metrics_refresh()
