"""Tickets: filing, replies and notes, status changes, assignment, priority and category, take
next, and the customer's rating."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cocreate.core import clock
from cocreate.core.errors import StateConflict
from cocreate.core.markup import render_markdown
from cocreate.core.uploads import validate_attachments
from cocreate.webhooks.models import Event

from ..models import Category, Channel, Priority, Ticket, TicketEvent, TicketMessage
from ..permissions import customer_may_reopen, is_desk_agent
from ..placeholders import validate_filled
from ..search_document import documents_refresh
from ._attachments import _save_attachments
from ._common import (
    _emit_webhook,
    _event,
    _excerpt,
    _locked,
    _notify,
    _notify_customer,
    fires_triggers,
)
from .sla import _apply_sla, _pause, _refresh_sla_state, _resume, sla_policy_for

Status = Ticket.Status


class TicketConflict(StateConflict):
    """The ticket's state does not allow this (rate twice, reply to a closed ticket …): HTTP 409."""


@transaction.atomic
@fires_triggers
def ticket_create(
    *,
    customer,
    product,
    category: str,
    subject: str,
    description: str,
    registration=None,
    attachments=(),
    channel: str = Channel.WEB,
    mailbox=None,
    follow_up_of=None,
) -> Ticket:
    """File a ticket for `customer`; SLA due times come from the matching policy.

    `channel` says where it came from (the web form, the API, a support mailbox's e-mail: then
    `mailbox`); a ticket opened by mail to a ticket closed too long ago follows that one up.
    Raises ValidationError for an unknown category, a registration of someone else or of another
    product, or an unacceptable attachment; nothing is saved then.
    """
    errors = {}
    if category not in Category.values:
        errors["category"] = [_("Choose one of the listed categories.")]
    if not (subject or "").strip():
        errors["subject"] = [_("Say in a few words what the problem is.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe the problem.")]
    if registration is not None and (
        registration.customer_id != customer.pk or registration.product_id != product.pk
    ):
        errors["registration"] = [
            _("This unit is not one of your registered %(product)s.") % {"product": product.name}
        ]
    try:
        validated = validate_attachments(attachments)
    except ValidationError as error:
        errors["attachments"] = error.messages
    if errors:
        raise ValidationError(errors)

    ticket = Ticket.objects.create(
        customer=customer,
        product=product,
        registration=registration,
        category=category,
        subject=subject.strip(),
        description=description.strip(),
        description_html=render_markdown(description),
        channel=channel,
        mailbox=mailbox,
        follow_up_of=follow_up_of,
    )
    _apply_sla(ticket, sla_policy_for(priority=ticket.priority, category=category))
    ticket.save(
        update_fields=[
            "sla_policy",
            "first_response_due_at",
            "first_response_warn_at",
            "resolution_due_at",
            "resolution_warn_at",
        ]
    )
    documents_refresh([ticket.pk])
    _save_attachments(ticket, None, customer, validated)
    _event(ticket, customer, TicketEvent.Kind.CREATED, new=ticket.get_category_display())
    _emit_webhook(ticket, Event.TICKET_CREATED, created_at=ticket.created_at.isoformat())
    return ticket


@transaction.atomic
@fires_triggers
def ticket_reply(
    *,
    ticket: Ticket,
    author,
    body: str,
    attachments=(),
    internal: bool = False,
    channel: str = Channel.WEB,
) -> TicketMessage:
    """Add a message. Agents reply publicly or write internal notes; the customer replies publicly.

    An agent's first public reply stamps the first response (SLA). A customer's reply brings a
    ticket waiting for them back to open (the SLA clock resumes), and reopens a resolved ticket
    within the reopen window. Customers are notified of public agent replies only; the assignee of
    customer replies.
    """
    agent = is_desk_agent(author)
    if not agent and ticket.customer_id != author.pk:
        raise PermissionDenied
    if internal and not agent:
        raise PermissionDenied(_("Only agents write internal notes."))
    if not (body or "").strip():
        raise ValidationError({"body": [_("Write a message.")]})
    validated = validate_attachments(attachments)
    ticket = _locked(ticket)
    now = clock.now()
    if not agent and not internal:
        if ticket.status == Status.CLOSED:
            raise TicketConflict(_("This ticket is closed. Reopen it or file a new ticket."))
        if ticket.status == Status.RESOLVED and not customer_may_reopen(ticket, now):
            raise TicketConflict(_("This ticket was resolved too long ago. File a new ticket."))

    message = TicketMessage.objects.create(
        ticket=ticket,
        author=author,
        internal=internal,
        body=body.strip(),
        body_html=render_markdown(body),
        channel=channel,
    )
    documents_refresh([ticket.pk])  # findable as soon as it commits
    _save_attachments(ticket, message, author, validated)
    update_fields = ["updated_at"]

    if internal:
        _event(ticket, author, TicketEvent.Kind.NOTE, internal=True)
    elif agent:
        _event(ticket, author, TicketEvent.Kind.REPLY)
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
            update_fields.append("first_responded_at")
        if ticket.status == Status.NEW:
            _set_status(ticket, author, Status.OPEN, now)
            update_fields += _STATUS_FIELDS
        _refresh_sla_state(ticket, now)
        update_fields += ["sla_state", "sla_breached_at"]
        _notify_customer(
            ticket,
            kind="ticket.reply",
            title=format_lazy(_("New reply on your ticket {number}"), number=ticket.number),
            body=_excerpt(body),
        )
    else:
        _event(ticket, author, TicketEvent.Kind.REPLY)
        if ticket.status in (Status.PENDING_CUSTOMER, Status.RESOLVED):
            _set_status(ticket, author, Status.OPEN, now)
            _refresh_sla_state(ticket, now)
            update_fields += [*_STATUS_FIELDS, "sla_state", "sla_breached_at"]
        if ticket.assignee_id:
            _notify(
                ticket,
                [ticket.assignee],
                kind="ticket.customer_reply",
                title=format_lazy(
                    _("{customer} replied on {number}"),
                    customer=author.public_name,
                    number=ticket.number,
                ),
                body=_excerpt(body),
            )
    ticket.save(update_fields=sorted(set(update_fields)))
    return message


@transaction.atomic
@fires_triggers
def ticket_answer(
    *,
    ticket: Ticket,
    author,
    body: str,
    attachments=(),
    internal: bool = False,
    then_status: str = "",
) -> TicketMessage:
    """An agent's answer from the desk: the reply (or internal note) and, for a reply, the status
    `then_status` it leaves the ticket in. Both or neither: a status the ticket cannot take
    takes the reply and its files with it. A reply still naming a placeholder ("{serial}") is
    refused: the customer would get the brace."""
    if not internal:
        validate_filled(body)
    message = ticket_reply(
        ticket=ticket, author=author, body=body, attachments=attachments, internal=internal
    )
    if then_status and not internal:
        ticket_change_status(ticket=ticket, actor=author, status=then_status)
    return message


def ticket_add_note(*, ticket: Ticket, author, body: str, attachments=()) -> TicketMessage:
    """An internal note: agents only, never shown to the customer."""
    if not is_desk_agent(author):
        raise PermissionDenied(_("Only agents write internal notes."))
    return ticket_reply(
        ticket=ticket, author=author, body=body, attachments=attachments, internal=True
    )


_STATUS_FIELDS = ["status", "paused_at", "paused_seconds", "resolved_at", "closed_at",
                  "first_response_due_at", "first_response_warn_at", "resolution_due_at",
                  "resolution_warn_at"]  # fmt: skip


def _set_status(ticket: Ticket, actor, status: str, now) -> None:
    """Move to `status` (already validated), keeping the SLA clock and timestamps right."""
    old = ticket.status
    if old == Status.PENDING_CUSTOMER:
        _resume(ticket, now)
    if status == Status.PENDING_CUSTOMER:
        _pause(ticket, now)
    elif status == Status.RESOLVED:
        ticket.resolved_at = now
    elif status == Status.CLOSED:
        ticket.closed_at = now
    elif status == Status.OPEN and old in (Status.RESOLVED, Status.CLOSED):
        ticket.resolved_at = ticket.closed_at = None
    ticket.status = status
    _event(
        ticket,
        actor,
        TicketEvent.Kind.STATUS,
        Status(old).label,
        Status(status).label,
    )
    _emit_webhook(ticket, Event.TICKET_STATUS_CHANGED, old_status=old, changed_at=now.isoformat())


@transaction.atomic
@fires_triggers
def ticket_change_status(*, ticket: Ticket, actor, status: str) -> Ticket:
    """Change the status along an allowed transition (Ticket.TRANSITIONS).

    Customers may only close their ticket, or reopen a resolved or closed one within
    SERVICE_DESK_REOPEN_DAYS of its resolution or closure: any other status they ask for is
    PermissionDenied, a reopening too late is TicketConflict. The customer is notified of
    changes made by someone else.
    """
    ticket = _locked(ticket)
    agent = is_desk_agent(actor)
    if not agent and ticket.customer_id != actor.pk:
        raise PermissionDenied
    if status not in Status.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    if status == ticket.status:
        return ticket
    if not ticket.may_become(status):
        raise ValidationError(
            {
                "status": [
                    _("A %(old)s ticket cannot become %(new)s.")
                    % {"old": Status(ticket.status).label, "new": Status(status).label}
                ]
            },
            code="invalid_transition",
        )
    now = clock.now()
    if not agent:
        # The transition exists (agents make it), the customer may not: PermissionDenied (403).
        reopening = status == Status.OPEN and ticket.status in (Status.RESOLVED, Status.CLOSED)
        if status != Status.CLOSED and not reopening:
            raise PermissionDenied(
                _(
                    "You can close your ticket, or reopen it once it is resolved or closed; "
                    "our agents set the other statuses."
                )
            )
        if reopening and not customer_may_reopen(ticket, now):
            raise TicketConflict(
                _("Tickets can be reopened within %(days)d days. Please file a new ticket.")
                % {"days": settings.SERVICE_DESK_REOPEN_DAYS}
            )
    _set_status(ticket, actor, status, now)
    _refresh_sla_state(ticket, now)
    ticket.save(update_fields=[*_STATUS_FIELDS, "sla_state", "sla_breached_at", "updated_at"])
    if actor.pk == ticket.customer_id and status == Status.OPEN and ticket.assignee_id:
        _notify(
            ticket,
            [ticket.assignee],
            kind="ticket.reopened",
            title=format_lazy(
                _("{customer} reopened {number}"),
                customer=actor.public_name,
                number=ticket.number,
            ),
            body=ticket.subject,
        )
    if actor.pk != ticket.customer_id:
        _notify_customer(
            ticket,
            kind="ticket.status",
            title=format_lazy(
                _("Your ticket {number} is now: {status}"),
                number=ticket.number,
                status=Status(status).label,
            ),
            body=ticket.subject,
        )
    return ticket


@transaction.atomic
@fires_triggers
def ticket_assign(*, ticket: Ticket, actor, assignee) -> Ticket:
    """Give the ticket to an agent (or to no one). The new assignee is told, unless they did it."""
    if not is_desk_agent(actor):
        raise PermissionDenied
    if assignee is not None and not is_desk_agent(assignee):
        raise ValidationError({"assignee": [_("Tickets can only be assigned to agents.")]})
    ticket = _locked(ticket)
    _assign(ticket, actor, assignee)
    return ticket


def _assign(ticket: Ticket, actor, assignee, *, rule: str = "") -> bool:
    """Give the locked ticket to `assignee` (checked) and tell them, unless they did it; False
    when it is theirs already. `rule`: the trigger rule doing it (actor None)."""
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return False
    old = ticket.assignee
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    _event(
        ticket,
        actor,
        TicketEvent.Kind.ASSIGNEE,
        old.public_name if old else "",
        assignee.public_name if assignee else "",
        rule=rule,
    )
    if assignee is not None and (actor is None or assignee.pk != actor.pk):
        _notify(
            ticket,
            [assignee],
            kind="ticket.assigned",
            title=format_lazy(
                _("{number} was assigned to you: {subject}"),
                number=ticket.number,
                subject=ticket.subject,
            ),
        )
    return True


@transaction.atomic
@fires_triggers
def ticket_update(
    *, ticket: Ticket, actor, priority: int | None = None, category: str | None = None
) -> Ticket:
    """Agents change priority or category; the SLA targets follow the new policy."""
    if not is_desk_agent(actor):
        raise PermissionDenied
    ticket = _locked(ticket)
    changed = False
    if priority is not None and int(priority) != ticket.priority:
        if int(priority) not in Priority.values:
            raise ValidationError({"priority": [_("Unknown priority.")]})
        _event(
            ticket,
            actor,
            TicketEvent.Kind.PRIORITY,
            Priority(ticket.priority).label,
            Priority(int(priority)).label,
        )
        ticket.priority = int(priority)
        changed = True
    if category is not None and category != ticket.category:
        if category not in Category.values:
            raise ValidationError({"category": [_("Unknown category.")]})
        _event(
            ticket,
            actor,
            TicketEvent.Kind.CATEGORY,
            Category(ticket.category).label,
            Category(category).label,
        )
        ticket.category = category
        changed = True
    if changed:
        _follow_sla(ticket)
    return ticket


def _set_priority(ticket: Ticket, priority: int, *, rule: str) -> bool:
    """A trigger rule sets the locked ticket's priority (a valid one); False when it has it."""
    if priority == ticket.priority:
        return False
    _event(
        ticket,
        None,
        TicketEvent.Kind.PRIORITY,
        Priority(ticket.priority).label,
        Priority(priority).label,
        rule=rule,
    )
    ticket.priority = priority
    _follow_sla(ticket)
    return True


def _follow_sla(ticket: Ticket) -> None:
    """Save the ticket with the SLA targets of the policy its priority and category now take."""
    _apply_sla(ticket, sla_policy_for(priority=ticket.priority, category=ticket.category))
    _refresh_sla_state(ticket, clock.now())
    ticket.save()


UNCHANGED = object()  # ticket_edit: the assignee is left as it is (None is "nobody")


@transaction.atomic
@fires_triggers
def ticket_edit(
    *,
    ticket: Ticket,
    actor,
    priority: int | None = None,
    category: str | None = None,
    assignee=UNCHANGED,
    status: str | None = None,
) -> Ticket:
    """What the desk's ticket form and the API's PATCH change, every change or none.

    Priority and category (ticket_update), then the assignee (ticket_assign), then the status
    (ticket_change_status), each with its own rules, history lines and notifications; what is
    None (the assignee: UNCHANGED) stays as it is. Returns the ticket as saved."""
    if priority is not None or category is not None:
        ticket = ticket_update(ticket=ticket, actor=actor, priority=priority, category=category)
    if assignee is not UNCHANGED:
        ticket = ticket_assign(ticket=ticket, actor=actor, assignee=assignee)
    if status is not None:
        ticket = ticket_change_status(ticket=ticket, actor=actor, status=status)
    return ticket


@transaction.atomic
@fires_triggers
def ticket_take_next(*, agent) -> Ticket | None:
    """Assign the most urgent unassigned new or open ticket to `agent`, or return None.

    SELECT … FOR UPDATE SKIP LOCKED: agents calling this at the same moment each lock a
    different row, so no ticket is ever handed to two agents and nobody waits.
    """
    if not is_desk_agent(agent):
        raise PermissionDenied
    ticket = (
        Ticket.objects.select_for_update(skip_locked=True)
        .filter(assignee__isnull=True, status__in=[Status.NEW, Status.OPEN])
        .most_urgent_first()
        .first()
    )
    if ticket is None:
        return None
    ticket.assignee = agent
    ticket.save(update_fields=["assignee", "updated_at"])
    _event(ticket, agent, TicketEvent.Kind.ASSIGNEE, "", agent.public_name)
    return ticket


@transaction.atomic
def ticket_rate(*, ticket: Ticket, customer, score: int, comment: str = "") -> Ticket:
    """The customer rates a resolved ticket, once (1–5 and an optional comment).

    Raises TicketConflict when the ticket is not resolved or already rated.
    """
    ticket = _locked(ticket)
    if ticket.customer_id != customer.pk:
        raise PermissionDenied
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": [_("Give a score from 1 to 5.")]})
    if ticket.csat_score is not None:
        raise TicketConflict(_("You already rated this ticket."))
    if ticket.status != Status.RESOLVED:
        raise TicketConflict(_("A ticket can be rated once it is resolved."))
    ticket.csat_score = score
    ticket.csat_comment = (comment or "").strip()[:2000]
    ticket.csat_rated_at = clock.now()
    ticket.save(update_fields=["csat_score", "csat_comment", "csat_rated_at", "updated_at"])
    _event(ticket, customer, TicketEvent.Kind.RATED, new=str(score))
    return ticket
