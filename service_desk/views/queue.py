"""The desk's queue: its views (built in, and saved by agents) with their counts, and bulk
actions on the tickets it lists."""

from dataclasses import dataclass
from functools import cache

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from .. import selectors, services
from ..forms import BulkActionForm, QueueChoices, QueueFilterForm, SavedViewForm, queue_filters_of
from ..models import BulkAction, BulkActionItem, Macro, Priority, SavedView, Ticket
from ..services.queue import BULK_INLINE_LIMIT
from ._common import _error_message, _form_error_messages, _is_id, agent_required

QUEUE_PAGE_SIZE = 25
REFUSALS_SHOWN = 500

# Built-in views: a key, a name and the queue filters they stand for.
BUILTIN_VIEWS = (
    ("unassigned", gettext_lazy("Unassigned"), {"assignee": ["none"]}),
    ("mine", gettext_lazy("Mine"), {"assignee": ["me"]}),
    ("at_risk", gettext_lazy("At risk"), {"sla": ["at_risk"]}),
    ("breached", gettext_lazy("Breached"), {"sla": ["breached"]}),
    ("waiting", gettext_lazy("Waiting on the customer"), {"status": ["pending_customer"]}),
    ("solved", gettext_lazy("Recently solved"), {"solved": ["7"]}),
)


@dataclass
class QueueView:
    key: str
    name: str
    query: QueryDict
    saved: SavedView | None = None
    count: int | None = None


def queue_filters(form) -> selectors.QueueFilters:
    # An unknown value (?sla=xx) is an error on its field and no filter; the others still apply.
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    status = data.get("status", "")
    return selectors.QueueFilters(
        status="" if status == "all" else status,
        include_done=status == "all",
        priority=str(data.get("priority") or ""),
        category=data.get("category", ""),
        product=data.get("product", ""),
        assignee=data.get("assignee", ""),
        sla=data.get("sla", ""),
        q=data.get("q", ""),
        tag=data.get("tag", ""),
        solved_days=data.get("solved"),
    )


def query_of(filters: dict) -> QueryDict:
    """The query of saved filters (name → list of values; anything else in the JSON is left
    out)."""
    query = QueryDict(mutable=True)
    for name, values in (filters or {}).items():
        if isinstance(values, list):
            query.setlist(str(name), [str(value) for value in values])
    return query


@cache
def _builtin_filters() -> dict[str, selectors.QueueFilters]:
    """The built-in views' filters, read once per process: they name no product, agent or tag,
    the only choices the database holds."""
    none_read = QueueChoices(products=[], agents=[], tags=[])
    return {
        key: queue_filters(QueueFilterForm(query_of(filters), choices=none_read))
        for key, _name, filters in BUILTIN_VIEWS
    }


def _view_filters(view: QueueView, choices: QueueChoices) -> selectors.QueueFilters:
    if view.saved is None:
        return _builtin_filters()[view.key]
    return queue_filters(QueueFilterForm(view.query, choices=choices))


def queue_views(user) -> list[QueueView]:
    views = [QueueView(key, str(name), query_of(filters)) for key, name, filters in BUILTIN_VIEWS]
    views += [
        QueueView(str(view.pk), view.name, query_of(view.filters), saved=view)
        for view in selectors.saved_views_for(user)
    ]
    return views


def _view_errors(form) -> list[str]:
    """The form's errors, each named by its field: what of a saved view no longer applies."""
    return [
        f"{form.fields[name].label}: {error}"
        for name, errors in form.errors.items()
        for error in errors
    ]


def queue_context(request) -> dict:
    """The queue page: the filtered tickets, the sidebar of views with their live counts (one
    query for all), and what the bulk bar offers."""
    user = request.user
    choices = QueueChoices.load()
    views = queue_views(user)
    current = None
    if request.GET.get("view"):
        current = next((view for view in views if view.key == request.GET["view"]), None)
        if current is None:
            raise Http404
    query = current.query if current else request.GET.copy()
    for name in ("page", "view"):
        query.pop(name, None)
    form = QueueFilterForm(query or None, choices=choices)
    tickets = selectors.ticket_queue(queue_filters(form), viewer=user)
    tickets = tickets.defer("description", "description_html")  # the queue shows subjects only
    # The page's own count ("" is no view's key) comes in the same query as the views'.
    counts = selectors.count_each(
        {
            "": tickets,
            **{
                view.key: selectors.ticket_queue(_view_filters(view, choices), viewer=user)
                for view in views
            },
        }
    )
    for view in views:
        view.count = counts[view.key]
    paginator = Paginator(tickets, QUEUE_PAGE_SIZE)
    paginator.count = counts[""]  # a cached property: the paginator does not count again
    page = paginator.get_page(request.GET.get("page"))
    return {
        "form": form,
        "choices": choices,
        "page": page,
        "views": views,
        "builtin_views": [view for view in views if view.saved is None],
        "saved_views": [view for view in views if view.saved is not None],
        "current_view": current,
        "view_errors": _view_errors(form) if current else [],
        "filters": queue_filters_of(query),
        "filters_query": query_of(queue_filters_of(query)).urlencode(),
        "save_form": SavedViewForm(),
        "edit_form": SavedViewForm(
            initial={"name": current.saved.name, "shared": current.saved.shared}
        )
        if current and current.saved and current.saved.may_edit(user)
        else None,
        "agents": choices.agents,
        "statuses": Ticket.Status.choices,
        "priorities": Priority.choices,
        "macros": list(Macro.objects.filter(active=True).values_list("pk", "title")),
    }


# --- saved views -------------------------------------------------------------------------------


def _queue_url(query: str = "") -> str:
    url = reverse("service_desk:desk_queue")
    return f"{url}?{query}" if query else url


@agent_required
@require_POST
def saved_view_create(request):
    form = SavedViewForm(request.POST)
    filters = queue_filters_of(QueryDict(request.POST.get("filters", "")[:4000]))
    back = _queue_url(query_of(filters).urlencode())
    if not form.is_valid():
        _form_error_messages(request, form)
        return redirect(back)
    try:
        view = services.saved_view_create(owner=request.user, filters=filters, **form.cleaned_data)
    except ValidationError as error:
        _error_message(request, error)
        return redirect(back)
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(_queue_url(f"view={view.pk}"))


def _saved_view(request, pk) -> SavedView:
    return get_object_or_404(selectors.saved_views_for(request.user), pk=pk)


@agent_required
@require_POST
def saved_view_edit(request, pk):
    view = _saved_view(request, pk)
    if not view.may_edit(request.user):
        raise PermissionDenied
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            services.saved_view_update(view=view, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error_message(request, error)
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    else:
        _form_error_messages(request, form)
    return redirect(_queue_url(f"view={view.pk}"))


@agent_required
@require_POST
def saved_view_delete(request, pk):
    view = _saved_view(request, pk)
    services.saved_view_delete(view=view, actor=request.user)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect(_queue_url())


# --- bulk actions ------------------------------------------------------------------------------


@agent_required
@require_POST
def bulk_action(request):
    """Start a bulk action on the ticked tickets or on all matching the queue's filters; a few
    are changed at once, more by a Celery job. Either way the action's page follows."""
    form = BulkActionForm(request.POST)
    filters = QueryDict(request.POST.get("filters", "")[:4000])
    back = _queue_url(query_of(queue_filters_of(filters)).urlencode())
    if not form.is_valid():
        _form_error_messages(request, form)
        return redirect(back)
    if form.cleaned_data["all_matching"]:
        choices = QueueChoices.load()
        tickets = selectors.ticket_queue(
            queue_filters(QueueFilterForm(filters, choices=choices)),
            viewer=request.user,
        )
        ids = list(tickets.order_by().values_list("pk", flat=True))
    else:
        wanted = [int(pk) for pk in request.POST.getlist("tickets") if _is_id(pk)]
        ids = list(Ticket.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    action, parameters = _bulk_change(form, request.user)
    try:
        bulk = services.bulk_action_start(
            actor=request.user, action=action, parameters=parameters, ticket_ids=ids
        )
    except ValidationError as error:
        _error_message(request, error)
        return redirect(back)
    if bulk.total <= BULK_INLINE_LIMIT:
        services.bulk_action_work(bulk_action=bulk)
    return redirect(bulk)


def _bulk_change(form, user) -> tuple[str, dict]:
    """The action and its parameters from the form's `change` ("assign:me", "status:resolved",
    "macro:4", "tag"); an id that is not a number is 0, which the service refuses by name."""
    kind, _sep, value = form.cleaned_data["change"].partition(":")
    number = int(value) if _is_id(value) else 0
    if kind == BulkAction.Action.ASSIGN:
        return kind, {"assignee": {"me": user.pk, "nobody": None}.get(value, number)}
    if kind in (BulkAction.Action.PRIORITY, BulkAction.Action.MACRO):
        return kind, {kind: number}
    if kind == BulkAction.Action.TAG:
        return kind, {"tag": form.cleaned_data["tag"]}
    return kind, {kind: value}


def _bulk_for(request, pk) -> BulkAction:
    """The action, for the agent who ran it and staff (404 for anyone else)."""
    bulk = BulkAction.objects.select_related("actor").filter(pk=pk).first()
    if bulk is None or not (bulk.actor_id == request.user.pk or request.user.is_staff):
        raise Http404
    return bulk


def _progress_context(bulk) -> dict:
    counts = bulk.items.aggregate(
        done=Count("pk", filter=Q(state=BulkActionItem.State.DONE)),
        refused=Count("pk", filter=Q(state=BulkActionItem.State.REFUSED)),
    )
    refusals = []
    if bulk.finished:
        refusals = list(
            bulk.items.filter(state=BulkActionItem.State.REFUSED)
            .select_related("ticket")
            .only("message", "ticket__number", "ticket__subject")[:REFUSALS_SHOWN]
        )
    return {
        "bulk": bulk,
        "done": counts["done"],
        "refused": counts["refused"],
        "handled": counts["done"] + counts["refused"],
        "refusals": refusals,
    }


@agent_required
@require_GET
def bulk_action_page(request, pk):
    bulk = _bulk_for(request, pk)
    return render(request, "service_desk/desk_bulk.html", _progress_context(bulk))


@agent_required
@require_GET
def bulk_action_progress(request, pk):
    """htmx: the progress fragment, polled while the job runs."""
    bulk = _bulk_for(request, pk)
    return render(request, "service_desk/_bulk_progress.html", _progress_context(bulk))
