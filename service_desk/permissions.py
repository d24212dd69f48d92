"""Who may do what at the desk: agents and staff work every ticket, customers only their own."""

from datetime import timedelta

from django.conf import settings

from cocreate.core import clock


def is_desk_agent(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.is_agent))


def can_view_ticket(user, ticket) -> bool:
    return is_desk_agent(user) or (user.is_authenticated and ticket.customer_id == user.pk)


def customer_reopen_deadline(ticket):
    """Until when the customer may reopen (or reply to) the resolved or closed ticket, else None."""
    ended = ticket.closed_at or ticket.resolved_at
    if ended is None:
        return None
    return ended + timedelta(days=settings.SERVICE_DESK_REOPEN_DAYS)


def customer_may_reopen(ticket, now=None) -> bool:
    """Customers may reopen within SERVICE_DESK_REOPEN_DAYS of the resolution or closure."""
    deadline = customer_reopen_deadline(ticket)
    return deadline is None or (now or clock.now()) <= deadline
