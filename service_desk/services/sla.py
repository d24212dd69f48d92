"""SLA: the policy a ticket takes, its due and warning times, its state, and the clock paused
while the ticket waits for the customer."""

from datetime import timedelta

from django.conf import settings

from ..models import SlaPolicy, SlaState, Ticket, TicketEvent
from ._common import _event


def sla_policy_for(*, priority: int, category: str) -> SlaPolicy | None:
    """The policy of this priority and category, else the one for every category, else none."""
    policies = {
        policy.category: policy
        for policy in SlaPolicy.objects.filter(priority=priority, category__in=[category, ""])
    }
    return policies.get(category) or policies.get("")


def _apply_sla(ticket: Ticket, policy: SlaPolicy | None) -> None:
    """Set due and warning times from the creation time plus the time paused so far."""
    ticket.sla_policy = policy
    if policy is None:
        ticket.first_response_due_at = ticket.first_response_warn_at = None
        ticket.resolution_due_at = ticket.resolution_warn_at = None
        return
    start = ticket.created_at + timedelta(seconds=ticket.paused_seconds)
    fraction = settings.SERVICE_DESK_SLA_WARN_FRACTION
    first = timedelta(minutes=policy.first_response_minutes)
    resolution = timedelta(minutes=policy.resolution_minutes)
    ticket.first_response_due_at = start + first
    ticket.first_response_warn_at = start + first * (1 - fraction)
    ticket.resolution_due_at = start + resolution
    ticket.resolution_warn_at = start + resolution * (1 - fraction)


def _open_targets(ticket: Ticket) -> list[tuple]:
    """(warn, due) of each target still to meet."""
    targets = []
    if ticket.first_responded_at is None and ticket.first_response_due_at:
        targets.append((ticket.first_response_warn_at, ticket.first_response_due_at))
    if ticket.resolved_at is None and ticket.resolution_due_at:
        targets.append((ticket.resolution_warn_at, ticket.resolution_due_at))
    return targets


def _sla_state(ticket: Ticket, now) -> str:
    """A breach is history and stays; otherwise at risk while a target's warning time passed."""
    if ticket.sla_breached_at is not None:
        return SlaState.BREACHED
    met_late = [
        (ticket.first_responded_at, ticket.first_response_due_at),
        (ticket.resolved_at, ticket.resolution_due_at),
    ]
    if any(met and due and met > due for met, due in met_late):
        return SlaState.BREACHED
    if ticket.paused_at is not None or not ticket.is_active:
        return SlaState.ON_TRACK
    targets = _open_targets(ticket)
    if any(due <= now for _warn, due in targets):
        return SlaState.BREACHED
    if any(warn <= now for warn, _due in targets):
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def _refresh_sla_state(ticket: Ticket, now) -> None:
    """Recompute the SLA state of a locked ticket; becoming at risk is written in its history."""
    state = _sla_state(ticket, now)
    if state == SlaState.BREACHED and ticket.sla_breached_at is None:
        ticket.sla_breached_at = now
    if state == SlaState.AT_RISK and ticket.sla_state != SlaState.AT_RISK:
        _event(ticket, None, TicketEvent.Kind.SLA_AT_RISK, internal=True)
    ticket.sla_state = state


def _pause(ticket: Ticket, now) -> None:
    if ticket.paused_at is None:
        ticket.paused_at = now


def _resume(ticket: Ticket, now) -> None:
    """Leave pending_customer: the targets still open move forward by the time spent waiting."""
    if ticket.paused_at is None:
        return
    waited = now - ticket.paused_at
    ticket.paused_seconds += int(waited.total_seconds())
    ticket.paused_at = None
    if ticket.first_responded_at is None and ticket.first_response_due_at:
        ticket.first_response_due_at += waited
        ticket.first_response_warn_at += waited
    if ticket.resolved_at is None and ticket.resolution_due_at:
        ticket.resolution_due_at += waited
        ticket.resolution_warn_at += waited
