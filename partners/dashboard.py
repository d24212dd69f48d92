"""What an organisation's dashboard (/partners/mine/<slug>/) reads: its projects with their next
milestone, the invitations waiting for it, the latest updates of its projects and its demand
figures. Reads only, each with its joins, in a number of queries that does not grow with the
projects or updates (tests/partners/test_dashboard.py)."""

import html
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import (
    CollaborationProject,
    Invitation,
    Milestone,
    Partner,
    ProjectUpdate,
)

# How many of each list the dashboard shows; the rest is a link away.
PROJECTS_SHOWN = 12
UPDATES_SHOWN = 10
EXCERPT_CHARS = 220

_OPEN_PROJECT = (CollaborationProject.Status.PLANNED, CollaborationProject.Status.ACTIVE)


@dataclass(frozen=True)
class DashboardProjects:
    projects: list[CollaborationProject]  # each with `next_milestone` (a Milestone or None)
    total: int


def projects_of(partner: Partner, *, with_milestones: bool = True) -> DashboardProjects:
    """The projects `partner` is on (accepted), running ones first, each with its next open
    milestone (planned or in progress, the earliest due) and how many there are in all: one
    query, two with milestones.

    Without `with_milestones` (a suspended partner's members may not read the work) no
    milestone is read."""
    projects = partner.projects.annotate(
        running=Case(
            When(status__in=_OPEN_PROJECT, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        # Counted over every row before the slice: the total without a second query.
        total=Window(Count("pk")),
    )
    if with_milestones:
        next_open = Milestone.objects.filter(
            project=OuterRef("pk"), status__in=Milestone.OPEN_STATUSES
        ).order_by("due_at", "pk")
        projects = projects.annotate(next_milestone_id=Subquery(next_open.values("pk")[:1]))
    shown = list(
        projects.order_by("running", F("start_date").desc(nulls_last=True), "title", "pk")[
            :PROJECTS_SHOWN
        ]
    )
    wanted = [p.next_milestone_id for p in shown if getattr(p, "next_milestone_id", None)]
    milestones = Milestone.objects.in_bulk(wanted) if wanted else {}
    for project in shown:
        project.next_milestone = milestones.get(getattr(project, "next_milestone_id", None))
    return DashboardProjects(shown, shown[0].total if shown else 0)


def member_invitations_for(partner: Partner) -> QuerySet[Invitation]:
    """People invited to join `partner` who have not accepted yet (owners see them)."""
    return selectors.open_invitations_of(partner).order_by("-created_at", "-pk")


def recent_updates(partner: Partner, *, limit: int = UPDATES_SHOWN) -> list[ProjectUpdate]:
    """The newest updates across `partner`'s projects, with their project, author and
    organisation, each with a plain-text `excerpt`: one query."""
    updates = list(
        ProjectUpdate.objects.filter(project__partners=partner)
        .select_related("project", "author", "partner")
        .order_by("-created_at", "-pk")[:limit]
    )
    for update in updates:
        update.excerpt = excerpt(update.body_html)
    return updates


def excerpt(body_html: str, chars: int = EXCERPT_CHARS) -> str:
    """Sanitised HTML as plain text (entities decoded once; the template escapes it again)."""
    text = " ".join(html.unescape(strip_tags(body_html)).split())
    return Truncator(text).chars(chars)


# --- Demand figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    note: str = ""


@dataclass(frozen=True)
class DemandFigures:
    available: bool  # False: no app counts builds (the figures are the catalog's only)
    parts_supplied: int  # none: the dashboard says how to list parts
    figures: list[Figure] = field(default_factory=list)


def _demand_figures(partner: Partner) -> DemandFigures:
    """The dashboard's demand figures, in this one place.

    For now from `selectors.partner_demand` (how community builds use the partner's parts):
    when the demand view's `partners.demand.demand_summary(partner, period_days=90)` lands,
    this function maps its figures instead, and the template stays as it is."""
    demand = selectors.partner_demand(partner=partner)
    rows = demand["rows"]
    figures = [Figure(_("Parts supplied"), len(rows))]
    if not demand["available"]:
        return DemandFigures(False, len(rows), figures)
    used = [row for row in rows if row.modification_count]
    figures += [
        Figure(_("Parts used in builds"), len(used)),
        Figure(
            _("Uses in community builds"),
            sum(row.modification_count for row in rows),
            _("A build listing two of your parts counts twice."),
        ),
        Figure(_("Votes on those builds"), sum(row.total_votes or 0 for row in rows)),
    ]
    return DemandFigures(True, len(rows), figures)


def demand_figures(partner: Partner) -> DemandFigures:
    return _demand_figures(partner)
