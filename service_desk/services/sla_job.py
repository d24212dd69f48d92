"""The SLA job (services.sla_check, run by Celery beat): tickets marked at risk or breached,
each breach escalated once."""

from django.db import transaction
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cocreate.core import clock

from ..models import Priority, SlaState, Ticket, TicketEvent, sla_overdue, sla_running
from ..selectors import desk_agents
from ._common import _event, _notify


def sla_check(*, now=None) -> dict[str, int]:
    """Mark tickets at risk or breached and escalate each breach once.

    Idempotent: a ticket is escalated only while `escalated_at` is empty, under a row lock, and
    the notifications carry a dedupe key, so running twice (or concurrently) escalates nothing
    twice; a ticket's history says once that it became at risk. Tickets waiting for the
    customer are skipped: their clock is paused.
    """
    now = now or clock.now()
    running = Ticket.objects.filter(sla_running())
    overdue = sla_overdue(now)
    warned = Q(first_responded_at__isnull=True, first_response_warn_at__lte=now) | Q(
        resolved_at__isnull=True, resolution_warn_at__lte=now
    )
    breached = (
        running.filter(overdue)
        .exclude(sla_state=SlaState.BREACHED)
        .update(sla_state=SlaState.BREACHED, sla_breached_at=now)
    )
    at_risk = _mark_at_risk(running.filter(warned, sla_state=SlaState.ON_TRACK).exclude(overdue))
    # Targets met since (an answer arrived): back on track.
    running.filter(sla_state=SlaState.AT_RISK).exclude(warned).update(sla_state=SlaState.ON_TRACK)
    escalated = 0
    to_escalate = Ticket.objects.filter(
        sla_state=SlaState.BREACHED, escalated_at__isnull=True, status__in=Ticket.ACTIVE_STATUSES
    ).values_list("pk", flat=True)
    for pk in list(to_escalate):
        escalated += _escalate(pk, now)
    return {"breached": breached, "at_risk": at_risk, "escalated": escalated}


@transaction.atomic
def _mark_at_risk(tickets) -> int:
    """Mark `tickets` (on track, a warning time passed) at risk, with one history line each.

    The rows are locked (a ticket an agent is changing right now is left to the next run) and
    only tickets still on track change, so a re-run or a concurrent run writes no line twice.
    """
    pks = list(
        tickets.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)
    )
    Ticket.objects.filter(pk__in=pks).update(sla_state=SlaState.AT_RISK)
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket_id=pk, kind=TicketEvent.Kind.SLA_AT_RISK, internal=True) for pk in pks
    )
    return len(pks)


@transaction.atomic
def _escalate(pk: int, now) -> int:
    ticket = (
        Ticket.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("assignee", "customer")
        .filter(pk=pk, escalated_at__isnull=True)
        .first()
    )
    if ticket is None:
        return 0
    ticket.escalated_at = now
    old_priority = ticket.priority
    ticket.priority = min(ticket.priority + 1, Priority.URGENT)
    ticket.save(update_fields=["escalated_at", "priority", "updated_at"])
    _event(ticket, None, TicketEvent.Kind.SLA_BREACHED, internal=True)
    if ticket.priority != old_priority:
        _event(
            ticket,
            None,
            TicketEvent.Kind.ESCALATED,
            Priority(old_priority).label,
            Priority(ticket.priority).label,
            internal=True,
        )
    recipients = list(desk_agents())  # agents (the role) and staff, as the assignee choices
    if ticket.assignee is not None:
        recipients.append(ticket.assignee)
    _notify(
        ticket,
        recipients,
        kind="ticket.sla_breached",
        title=format_lazy(
            _("SLA breached on {number}: {subject}"), number=ticket.number, subject=ticket.subject
        ),
        body=format_lazy(
            _("Priority raised to {priority}."), priority=Priority(ticket.priority).label
        ),
        dedupe_key=f"ticket-sla-breach-{ticket.pk}",
    )
    return 1
