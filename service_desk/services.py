"""Every write of the service desk that carries a rule, one function each, in a transaction.

Views and the API check who the caller is (customer of the ticket, agent, staff) before calling;
the services re-check the rules that are part of the domain (a customer may only close or reopen,
a rating is given once and only after resolution) so no caller can skip them.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _

from cocreate.core import clock
from cocreate.core.errors import StateConflict
from cocreate.core.i18n import detect_language, supported_language
from cocreate.core.markdown import render_markdown
from cocreate.core.sql import insert_once
from cocreate.notifications.services import notification_send
from cocreate.webhooks.models import Event
from cocreate.webhooks.services import webhook_event_emit
from designers.selectors import product_team
from partners.selectors import product_collaborators

from .attachments import validate_attachments
from .models import (
    ArticleVote,
    Category,
    Deflection,
    KnowledgeArticle,
    Priority,
    Shipment,
    ShipmentUpdate,
    SlaPolicy,
    SlaState,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketMessage,
    private_storage,
    sla_overdue,
    sla_running,
)
from .permissions import customer_may_reopen, is_desk_agent
from .selectors import desk_agents

Status = Ticket.Status
logger = logging.getLogger(__name__)


class TicketConflict(StateConflict):
    """The ticket's state does not allow this (rate twice, reply to a closed ticket …): HTTP 409."""


# --- helpers ------------------------------------------------------------------------------------


def _locked(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock, so concurrent writers (agents, the SLA job) queue up."""
    return (
        Ticket.objects.select_for_update(of=("self",)).select_related("customer").get(pk=ticket.pk)
    )


def _event(ticket, actor, kind, old="", new="", *, internal=False) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        kind=kind,
        old_value=str(old)[:200],
        new_value=str(new)[:200],
        internal=internal,
    )


def _save_attachments(ticket, message, uploader, validated) -> list[TicketAttachment]:
    """Record the attachments now; their files are written once the transaction commits.

    Written at once, they would stay on disk when the transaction rolls back: the service's
    own, or a caller's around several services (a reply and a status change). Each stored name
    is unique before its file exists (attachment_path), so no row ever points at another file.
    """
    saved = []
    file_field = TicketAttachment._meta.get_field("file")
    for upload, content_type in validated:
        attachment = TicketAttachment(
            ticket=ticket,
            message=message,
            uploaded_by=uploader,
            filename=upload.name.rsplit("/", 1)[-1][:200],
            content_type=content_type,
            size=upload.size,
        )
        attachment.file.name = private_storage.get_available_name(
            file_field.generate_filename(attachment, attachment.filename),
            max_length=file_field.max_length,
        )
        attachment.save()
        transaction.on_commit(
            partial(_write_attachment, attachment.pk, attachment.file.name, upload)
        )
        saved.append(attachment)
    return saved


def _write_attachment(pk: int, name: str, upload) -> None:
    """After the commit: write the file; if that fails, the attachment goes rather than dangle."""
    try:
        stored = private_storage.save(
            name, upload, max_length=TicketAttachment._meta.get_field("file").max_length
        )
    except (OSError, ValueError):  # disk full, permissions, the upload already closed
        logger.exception("Attachment %s could not be written; it was removed.", pk)
        TicketAttachment.objects.filter(pk=pk).delete()
        return
    if stored != name:
        TicketAttachment.objects.filter(pk=pk).update(file=stored)


def _notify_customer(ticket: Ticket, *, kind: str, title, body="") -> None:
    notification_send(
        recipients=[ticket.customer],
        kind=kind,
        title=title,
        body=body,
        url=ticket.get_absolute_url(),
    )


def _emit_webhook(ticket: Ticket, event: Event, **fields) -> None:
    """Send `event` to the endpoints of the ticket's customer, of the product's team (assigned
    designers, members of partners collaborating on it) and of staff. The payload leaves out
    what the customer wrote: integrations read it through the API, which checks who asks."""
    payload = {
        "number": ticket.number,
        "product": ticket.product.slug,
        "category": ticket.category,
        # The API's name for the priority ("normal"), not the rank the database keeps.
        "priority": Priority(ticket.priority).name.lower(),
        "status": ticket.status,
        **fields,
        "url": ticket.get_absolute_url(),
    }
    audience = [
        ticket.customer,
        product_team(ticket.product_id),
        product_collaborators(ticket.product_id),
    ]
    webhook_event_emit(event=event, payload=payload, audience=audience)


def _excerpt(text: str, length: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


# --- SLA ----------------------------------------------------------------------------------------


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


# --- tickets ------------------------------------------------------------------------------------


@transaction.atomic
def ticket_create(
    *,
    customer,
    product,
    category: str,
    subject: str,
    description: str,
    registration=None,
    attachments=(),
) -> Ticket:
    """File a ticket for `customer`; SLA due times come from the matching policy.

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
    _save_attachments(ticket, None, customer, validated)
    _event(ticket, customer, TicketEvent.Kind.CREATED, new=ticket.get_category_display())
    _emit_webhook(ticket, Event.TICKET_CREATED, created_at=ticket.created_at.isoformat())
    return ticket


@transaction.atomic
def ticket_reply(
    *, ticket: Ticket, author, body: str, attachments=(), internal: bool = False
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
    )
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
            notification_send(
                recipients=[ticket.assignee],
                kind="ticket.customer_reply",
                title=format_lazy(
                    _("{customer} replied on {number}"),
                    customer=author.public_name,
                    number=ticket.number,
                ),
                body=_excerpt(body),
                url=ticket.get_desk_url(),
            )
    ticket.save(update_fields=sorted(set(update_fields)))
    return message


@transaction.atomic
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
    takes the reply and its files with it."""
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
    if status not in Ticket.TRANSITIONS[ticket.status]:
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
        notification_send(
            recipients=[ticket.assignee],
            kind="ticket.reopened",
            title=format_lazy(
                _("{customer} reopened {number}"),
                customer=actor.public_name,
                number=ticket.number,
            ),
            body=ticket.subject,
            url=ticket.get_desk_url(),
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
def ticket_assign(*, ticket: Ticket, actor, assignee) -> Ticket:
    """Give the ticket to an agent (or to no one). The new assignee is told, unless they did it."""
    if not is_desk_agent(actor):
        raise PermissionDenied
    if assignee is not None and not is_desk_agent(assignee):
        raise ValidationError({"assignee": [_("Tickets can only be assigned to agents.")]})
    ticket = _locked(ticket)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    old = ticket.assignee
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    _event(
        ticket,
        actor,
        TicketEvent.Kind.ASSIGNEE,
        old.public_name if old else "",
        assignee.public_name if assignee else "",
    )
    if assignee is not None and assignee.pk != actor.pk:
        notification_send(
            recipients=[assignee],
            kind="ticket.assigned",
            title=format_lazy(
                _("{number} was assigned to you: {subject}"),
                number=ticket.number,
                subject=ticket.subject,
            ),
            url=ticket.get_desk_url(),
        )
    return ticket


@transaction.atomic
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
        _apply_sla(ticket, sla_policy_for(priority=ticket.priority, category=ticket.category))
        _refresh_sla_state(ticket, clock.now())
        ticket.save()
    return ticket


UNCHANGED = object()  # ticket_edit: the assignee is left as it is (None is "nobody")


@transaction.atomic
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


def ticket_take_next(*, agent) -> Ticket | None:
    """Assign the most urgent unassigned new or open ticket to `agent`, or return None.

    SELECT … FOR UPDATE SKIP LOCKED: agents calling this at the same moment each lock a
    different row, so no ticket is ever handed to two agents and nobody waits.
    """
    if not is_desk_agent(agent):
        raise PermissionDenied
    with transaction.atomic():
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


# --- escalation to the product team -------------------------------------------------------------


@transaction.atomic
def ticket_link_post(*, ticket: Ticket, actor, post) -> Ticket:
    """Link the ticket to a community post (or unlink it with `post=None`); agents only.

    Linked tickets count in the post's score, so after-sales pain reaches the designers.
    """
    if not is_desk_agent(actor):
        raise PermissionDenied
    if post is not None and post.is_deleted:
        raise ValidationError({"post": [_("This post was deleted.")]})
    ticket = _locked(ticket)
    if ticket.linked_post_id == (post.pk if post else None):
        return ticket
    old = ticket.linked_post
    ticket.linked_post = post
    ticket.save(update_fields=["linked_post", "updated_at"])
    _event(
        ticket,
        actor,
        TicketEvent.Kind.LINKED_POST,
        old.title if old else "",
        post.title if post else "",
        internal=True,
    )
    return ticket


@transaction.atomic
def ticket_open_feedback_post(*, ticket: Ticket, actor, title: str, body: str):
    """Open a feedback post in the product's community from this ticket, and link them.

    The post is written by the agent (no customer data leaves the ticket unless the agent puts it
    in) through the community's own `post_create`, so its rules (lengths, follow) apply.
    """
    if not is_desk_agent(actor):
        raise PermissionDenied
    # Imported here so the rest of the desk keeps working while the community app changes.
    from community.models import Post
    from community.services import post_create

    post = post_create(
        author=actor, product=ticket.product, kind=Post.Kind.FEEDBACK, title=title, body=body
    )
    ticket_link_post(ticket=ticket, actor=actor, post=post)
    return post


# --- SLA job ------------------------------------------------------------------------------------


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
    notification_send(
        recipients=recipients,
        kind="ticket.sla_breached",
        title=format_lazy(
            _("SLA breached on {number}: {subject}"), number=ticket.number, subject=ticket.subject
        ),
        body=format_lazy(
            _("Priority raised to {priority}."), priority=Priority(ticket.priority).label
        ),
        url=ticket.get_desk_url(),
        dedupe_key=f"ticket-sla-breach-{ticket.pk}",
    )
    return 1


# --- shipments ----------------------------------------------------------------------------------


@transaction.atomic
def shipment_create(
    *,
    ticket: Ticket,
    actor,
    direction: str,
    carrier: str,
    tracking_number: str,
    note: str = "",
) -> Shipment:
    """Record a parcel for the ticket (agents only); the customer sees it and is told."""
    if not is_desk_agent(actor):
        raise PermissionDenied
    errors = {}
    if direction not in Shipment.Direction.values:
        errors["direction"] = [_("Choose a direction.")]
    if not (carrier or "").strip():
        errors["carrier"] = [_("Name the carrier.")]
    if not (tracking_number or "").strip():
        errors["tracking_number"] = [_("Enter the tracking number.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            shipment = Shipment.objects.create(
                ticket=ticket,
                direction=direction,
                carrier=carrier.strip(),
                tracking_number=tracking_number.strip(),
                created_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError(
            {"tracking_number": [_("This carrier's tracking number is already recorded.")]}
        ) from error
    ShipmentUpdate.objects.create(
        shipment=shipment, status=shipment.status, note=note.strip(), actor=actor
    )
    _event(
        ticket,
        actor,
        TicketEvent.Kind.SHIPMENT,
        new=f"{shipment.get_direction_display()}: {shipment.carrier} {shipment.tracking_number}",
    )
    _notify_customer(
        ticket,
        kind="ticket.shipment",
        title=format_lazy(
            _("Shipment for your ticket {number}: {carrier} {tracking}"),
            number=ticket.number,
            carrier=shipment.carrier,
            tracking=shipment.tracking_number,
        ),
        body=note,
    )
    return shipment


@transaction.atomic
def shipment_update(*, shipment: Shipment, actor, status: str, note: str = "") -> Shipment:
    """A new status for a parcel; kept in its history and shown to the customer."""
    if not is_desk_agent(actor):
        raise PermissionDenied
    if status not in Shipment.Status.values:
        raise ValidationError({"status": [_("Unknown shipment status.")]})
    shipment = (
        Shipment.objects.select_for_update().select_related("ticket__customer").get(pk=shipment.pk)
    )
    old = shipment.status
    shipment.status = status
    shipment.save(update_fields=["status", "updated_at"])
    ShipmentUpdate.objects.create(shipment=shipment, status=status, note=note.strip(), actor=actor)
    _event(
        shipment.ticket,
        actor,
        TicketEvent.Kind.SHIPMENT,
        Shipment.Status(old).label,
        f"{shipment.tracking_number}: {Shipment.Status(status).label}",
    )
    _notify_customer(
        shipment.ticket,
        kind="ticket.shipment",
        title=format_lazy(
            _("Your shipment {tracking} is now: {status}"),
            tracking=shipment.tracking_number,
            status=Shipment.Status(status).label,
        ),
        body=note,
    )
    return shipment


# --- knowledge base -----------------------------------------------------------------------------


def _unique_slug(title: str, *, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "article"
    slug, suffix = base, 2
    others = KnowledgeArticle.objects.exclude(pk=exclude_pk)
    while others.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _set_original(article: KnowledgeArticle, translation_of: KnowledgeArticle | None) -> None:
    if translation_of is not None and translation_of.translation_of_id:
        translation_of = translation_of.translation_of
    if translation_of is None:
        article.translation_of = None
        return
    if article.pk and translation_of.pk == article.pk:
        raise ValidationError({"translation_of": [_("An article cannot translate itself.")]})
    if article.pk and article.translations.exists():
        raise ValidationError(
            {"translation_of": [_("It has translations of its own: it stays an original.")]}
        )
    if translation_of.language == article.language:
        raise ValidationError(
            {"language": [_("The original is already in this language: choose another one.")]}
        )
    article.translation_of = translation_of


@transaction.atomic
def article_save(
    *,
    author,
    title: str,
    body: str,
    category: str,
    product=None,
    status: str = KnowledgeArticle.Status.DRAFT,
    article: KnowledgeArticle | None = None,
    source_ticket: Ticket | None = None,
    language: str = "",
    translation_of: KnowledgeArticle | None = None,
) -> KnowledgeArticle:
    """Create or edit an article (agents only); the Markdown is rendered and sanitised here.

    `language` empty: detected from the text. `translation_of`: the article this one translates
    (its original, if that is itself a translation); one version per language.
    """
    if not is_desk_agent(author):
        raise PermissionDenied
    creating = article is None
    article = article or KnowledgeArticle(author=author, source_ticket=source_ticket)
    article.language = supported_language(language) or detect_language(f"{title}\n{body}")
    _set_original(article, translation_of)
    article.title = title.strip()
    article.body = body
    article.body_html = render_markdown(body)
    article.category = category
    article.product = product
    article.status = status
    if creating or not article.slug:
        article.slug = _unique_slug(article.title)
    if status == KnowledgeArticle.Status.PUBLISHED and article.published_at is None:
        article.published_at = clock.now()
    article.full_clean(exclude=["search_vector", "author", "source_ticket"])
    article.save()
    if creating and source_ticket is not None:
        _event(source_ticket, author, TicketEvent.Kind.ARTICLE, new=article.title, internal=True)
    return article


@transaction.atomic
def article_vote(*, article: KnowledgeArticle, user, helpful: bool) -> KnowledgeArticle:
    """One vote per user; voting again changes the vote. Counters move with it."""
    if not article.is_published:
        raise PermissionDenied
    first = insert_once(
        ArticleVote,
        article_id=article.pk,
        user_id=user.pk,
        helpful=bool(helpful),
        created_at=clock.now(),
    )
    if first:
        delta_helpful, delta_not = (1, 0) if helpful else (0, 1)
    else:
        vote = ArticleVote.objects.select_for_update().get(article=article, user=user)
        if vote.helpful == helpful:
            return article
        vote.helpful = helpful
        vote.save(update_fields=["helpful", "created_at"])
        delta_helpful, delta_not = (1, -1) if helpful else (-1, 1)
    KnowledgeArticle.objects.filter(pk=article.pk).update(
        helpful_count=F("helpful_count") + delta_helpful,
        not_helpful_count=F("not_helpful_count") + delta_not,
    )
    article.refresh_from_db(fields=["helpful_count", "not_helpful_count"])
    return article


def deflection_record(
    *, article: KnowledgeArticle, user=None, product=None, query=""
) -> Deflection:
    """A suggested article solved the problem: no ticket was filed."""
    return Deflection.objects.create(
        article=article,
        user=user if user is not None and user.is_authenticated else None,
        product=product,
        query=(query or "")[:300],
    )
