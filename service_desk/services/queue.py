"""The queue's saved views, and bulk actions: one action applied to many tickets, each ticket
on its own (its own transaction, history lines and notifications; a refusal is that ticket's)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext as _

from cocreate.accounts.models import User
from cocreate.core import clock
from cocreate.outbox.services import outbox_enqueue

from ..models import BulkAction, BulkActionItem, Macro, Priority, SavedView, Ticket
from ..permissions import is_desk_agent
from .automation import macro_apply, tags_named, ticket_tag
from .tickets import ticket_assign, ticket_change_status, ticket_update

# Up to this many tickets a bulk action runs in the request; more go to a Celery job.
BULK_INLINE_LIMIT = 20
# Tickets one run of the job takes on, well within the task time limit; then it queues itself.
BULK_CHUNK = 200
BULK_TASK = "service_desk.tasks.bulk_action_run"


# --- saved views -------------------------------------------------------------------------------


def _saved_view_write(view: SavedView) -> SavedView:
    try:
        with transaction.atomic():
            view.full_clean(exclude=["owner"])
            view.save()
    except IntegrityError as error:
        raise ValidationError(
            {"name": [_("You already have a view with this name.")]}, code="duplicate"
        ) from error
    return view


def saved_view_create(*, owner, name: str, filters: dict, shared: bool = False) -> SavedView:
    """Save the queue's filters (name → list of values) as a view of `owner` (agents)."""
    if not is_desk_agent(owner):
        raise PermissionDenied
    return _saved_view_write(
        SavedView(owner=owner, name=" ".join(name.split()), filters=filters, shared=shared)
    )


def saved_view_update(
    *, view: SavedView, actor, name: str | None = None, shared=None, filters=None
) -> SavedView:
    """Rename a view, share or unshare it, or give it the queue's current filters: its owner,
    and staff for a shared view."""
    if not (is_desk_agent(actor) and view.may_edit(actor)):
        raise PermissionDenied
    if name is not None:
        view.name = " ".join(name.split())
    if shared is not None:
        view.shared = shared
    if filters is not None:
        view.filters = filters
    return _saved_view_write(view)


def saved_view_delete(*, view: SavedView, actor) -> None:
    if not (is_desk_agent(actor) and view.may_edit(actor)):
        raise PermissionDenied
    view.delete()


# --- bulk actions ------------------------------------------------------------------------------


@transaction.atomic
def bulk_action_start(*, actor, action: str, parameters: dict, ticket_ids) -> BulkAction:
    """Record `action` on these tickets, each pending; for more than BULK_INLINE_LIMIT tickets
    a Celery job is queued to run it (the caller runs a smaller one: bulk_action_work).

    `parameters`: {"assignee": user id or None}, {"status": …}, {"priority": …}, {"tag": name}
    or {"macro": id}, checked here so a bad one refuses the whole action before any ticket."""
    if not is_desk_agent(actor):
        raise PermissionDenied
    ids = sorted(set(ticket_ids))
    if not ids:
        raise ValidationError(_("Select at least one ticket."), code="no_tickets")
    parameters = {**parameters, **_checked_parameters(action, parameters)}
    bulk = BulkAction.objects.create(
        actor=actor, action=action, parameters=parameters, total=len(ids)
    )
    BulkActionItem.objects.bulk_create(
        (BulkActionItem(bulk_action=bulk, ticket_id=pk) for pk in ids), batch_size=1000
    )
    if len(ids) > BULK_INLINE_LIMIT:
        outbox_enqueue(BULK_TASK, bulk.pk)
    return bulk


def _checked_parameters(action: str, parameters: dict) -> dict:
    """The names the action's page shows, after checking what it sets still exists."""
    if action == BulkAction.Action.ASSIGN:
        assignee = parameters.get("assignee")
        if assignee is None:
            return {"assignee_name": ""}
        user = User.objects.filter(pk=assignee).first()
        if not is_desk_agent(user):
            raise ValidationError({"assignee": [_("Tickets can only be assigned to agents.")]})
        return {"assignee_name": user.public_name}
    if action == BulkAction.Action.STATUS:
        if parameters.get("status") not in Ticket.Status.values:
            raise ValidationError({"status": [_("Unknown status.")]})
        return {}
    if action == BulkAction.Action.PRIORITY:
        if parameters.get("priority") not in Priority.values:
            raise ValidationError({"priority": [_("Unknown priority.")]})
        return {}
    if action == BulkAction.Action.TAG:
        return {"tag": tags_named([parameters.get("tag", "")])[0].name}
    if action == BulkAction.Action.MACRO:
        macro = Macro.objects.filter(pk=parameters.get("macro"), active=True).first()
        if macro is None:
            raise ValidationError({"macro": [_("This macro no longer exists or is switched off.")]})
        return {"macro_title": macro.title}
    raise ValidationError({"action": [_("Unknown action.")]}, code="unknown_action")


def _ticket_change(bulk: BulkAction):
    """What to do to one ticket: a function of the ticket that raises the ticket's refusal."""
    actor, parameters = bulk.actor, bulk.parameters
    match bulk.action:
        case BulkAction.Action.ASSIGN:
            assignee = None
            if parameters.get("assignee") is not None:
                assignee = User.objects.filter(pk=parameters["assignee"]).first()
                if assignee is None:
                    return _refuse(_("This agent no longer exists."))
            return lambda ticket: ticket_assign(ticket=ticket, actor=actor, assignee=assignee)
        case BulkAction.Action.STATUS:
            status = parameters["status"]
            return lambda ticket: ticket_change_status(ticket=ticket, actor=actor, status=status)
        case BulkAction.Action.PRIORITY:
            priority = parameters["priority"]
            return lambda ticket: ticket_update(ticket=ticket, actor=actor, priority=priority)
        case BulkAction.Action.TAG:
            tags = tags_named([parameters["tag"]])
            return lambda ticket: ticket_tag(ticket=ticket, actor=actor, tags=tags)
        case BulkAction.Action.MACRO:
            macro = Macro.objects.filter(pk=parameters["macro"]).first()
            if macro is None:
                return _refuse(
                    _("The macro “%(title)s” was deleted.") % {"title": parameters["macro_title"]}
                )
            return lambda ticket: macro_apply(ticket=ticket, actor=actor, macro=macro)
    return _refuse(_("Unknown action."))


def _refuse(message: str):
    def refuse(ticket):
        raise ValidationError(message)

    return refuse


def _refusal(error: Exception) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or _("You may not change this ticket.")
    return " ".join(error.messages)[:500]


def bulk_action_work(*, bulk_action: BulkAction, limit: int | None = None) -> bool:
    """Apply the action to (up to `limit` of) the tickets still pending, each ticket with its
    result in a transaction of its own; True while some are left.

    A ticket already done or refused is skipped, so running it again (a job delivered twice)
    never applies the action to a ticket twice."""
    with translation.override(bulk_action.actor.language or translation.get_language()):
        change = _ticket_change(bulk_action)
        pending = bulk_action.items.filter(state=BulkActionItem.State.PENDING)
        for item_pk in list(pending.values_list("pk", flat=True)[:limit]):
            with transaction.atomic():
                item = (
                    BulkActionItem.objects.select_for_update(of=("self",))
                    .select_related("ticket")
                    .filter(pk=item_pk, state=BulkActionItem.State.PENDING)
                    .first()
                )
                if item is None:
                    continue  # done meanwhile by another delivery of the job
                try:
                    with transaction.atomic():
                        change(item.ticket)
                except (ValidationError, PermissionDenied) as error:
                    item.state, item.message = BulkActionItem.State.REFUSED, _refusal(error)
                else:
                    item.state = BulkActionItem.State.DONE
                item.save(update_fields=["state", "message"])
    if pending.exists():
        return True
    _finish(bulk_action)
    return False


def _finish(bulk: BulkAction) -> None:
    counts = bulk.items.aggregate(
        done=Count("pk", filter=Q(state=BulkActionItem.State.DONE)),
        refused=Count("pk", filter=Q(state=BulkActionItem.State.REFUSED)),
    )
    BulkAction.objects.filter(pk=bulk.pk, finished_at__isnull=True).update(
        done_count=counts["done"], refused_count=counts["refused"], finished_at=clock.now()
    )


def bulk_action_continue(bulk_action_id: int) -> bool:
    """The job's step: the next BULK_CHUNK pending tickets, then the job queued again while
    some are left. Nothing for a finished or deleted action."""
    bulk = (
        BulkAction.objects.select_related("actor")
        .filter(pk=bulk_action_id, finished_at__isnull=True)
        .first()
    )
    if bulk is None:
        return False
    left = bulk_action_work(bulk_action=bulk, limit=BULK_CHUNK)
    if left:
        with transaction.atomic():
            outbox_enqueue(BULK_TASK, bulk.pk)
    return left
