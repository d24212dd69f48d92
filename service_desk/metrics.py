"""The desk's numbers over a period: volume, response and resolution times, SLA, CSAT, deflection.

Each figure is one aggregate query, whatever the number of tickets.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Aggregate, Avg, Count, F, FloatField, Func, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from cocreate.core.dates import day_label
from cocreate.core.i18n import localized

from .models import Category, Channel, Deflection, Priority, Ticket, sla_overdue, sla_running


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the value below which `fraction` of the rows fall."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=f"{float(fraction):.4f}", **extra)


def _seconds_between(later: str, earlier: str) -> Func:
    return Func(
        F(later) - F(earlier),
        template="EXTRACT(EPOCH FROM %(expressions)s)",
        output_field=FloatField(),
    )


@dataclass
class DeskMetrics:
    days: int
    tickets: int = 0
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    by_product: list[tuple[str, int]] = field(default_factory=list)
    by_day: list[tuple[str, int]] = field(default_factory=list)
    first_response_median_h: float | None = None
    first_response_p90_h: float | None = None
    resolution_median_h: float | None = None
    resolution_p90_h: float | None = None
    # SLA compliance counts only tickets whose outcome is known (sla_outcome_known).
    sla_decided: int = 0
    sla_met: int = 0
    sla_by_priority: list[tuple[str, float]] = field(default_factory=list)
    csat_count: int = 0
    csat_average: float | None = None
    csat_distribution: list[tuple[str, int]] = field(default_factory=list)
    deflections: int = 0

    @property
    def sla_compliance(self) -> float | None:
        return 100 * self.sla_met / self.sla_decided if self.sla_decided else None

    @property
    def deflection_rate(self) -> float | None:
        asked = self.deflections + self.tickets
        return 100 * self.deflections / asked if asked else None

    @property
    def csat_satisfied(self) -> float | None:
        if not self.csat_count:
            return None
        happy = sum(count for label, count in self.csat_distribution if label in ("4", "5"))
        return 100 * happy / self.csat_count


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def sla_outcome(now) -> tuple[Q, Q]:
    """(decided, met): which tickets count in SLA compliance, and which of those met it.

    A ticket with an SLA counts once its outcome is known: it missed a target (a breach is
    final, and a target that passed while the clock ran is missed even before the SLA job marks
    it), or it was resolved or closed within them. A ticket still open within its targets, or
    paused while waiting for the customer, does not count yet: it could still miss them.
    """
    overdue = sla_running() & sla_overdue(now)  # as the SLA job sees it
    missed = Q(sla_breached_at__isnull=False) | overdue
    ended = Q(resolved_at__isnull=False) | Q(closed_at__isnull=False)
    decided = Q(sla_policy__isnull=False) & (missed | ended)
    met = Q(sla_policy__isnull=False) & ended & Q(sla_breached_at__isnull=True)
    return decided, met


def desk_metrics(*, days: int = 30, now=None) -> DeskMetrics:
    now = now or timezone.now()
    since = now - timedelta(days=days)
    tickets = Ticket.objects.filter(created_at__gte=since)
    metrics = DeskMetrics(days=days)

    resolution_seconds = _seconds_between("resolved_at", "created_at") - F("paused_seconds")
    sla_decided, sla_met = sla_outcome(now)
    totals = tickets.aggregate(
        count=Count("id"),
        fr_median=Percentile(_seconds_between("first_responded_at", "created_at"), fraction=0.5),
        fr_p90=Percentile(_seconds_between("first_responded_at", "created_at"), fraction=0.9),
        res_median=Percentile(resolution_seconds, fraction=0.5),
        res_p90=Percentile(resolution_seconds, fraction=0.9),
        sla_decided=Count("id", filter=sla_decided),
        sla_met=Count("id", filter=sla_met),
        csat_count=Count("id", filter=Q(csat_score__isnull=False)),
        csat_average=Avg("csat_score"),
        **{f"channel_{value}": Count("id", filter=Q(channel=value)) for value in Channel.values},
    )
    metrics.tickets = totals["count"]
    metrics.first_response_median_h = _hours(totals["fr_median"])
    metrics.first_response_p90_h = _hours(totals["fr_p90"])
    metrics.resolution_median_h = _hours(totals["res_median"])
    metrics.resolution_p90_h = _hours(totals["res_p90"])
    metrics.sla_decided = totals["sla_decided"]
    metrics.sla_met = totals["sla_met"]
    metrics.csat_count = totals["csat_count"]
    metrics.csat_average = (
        round(totals["csat_average"], 2) if totals["csat_average"] is not None else None
    )

    per_category = dict(
        tickets.values_list("category").annotate(n=Count("id")).values_list("category", "n")
    )
    metrics.by_category = [(label, per_category.get(value, 0)) for value, label in Category.choices]
    metrics.by_channel = [(label, totals[f"channel_{value}"]) for value, label in Channel.choices]
    metrics.by_product = list(
        tickets.annotate(product_name=localized("product__name"))
        .values_list("product_name")
        .annotate(n=Count("id"))
        .order_by("-n", "product_name")
        .values_list("product_name", "n")[:10]
    )
    per_day = dict(
        tickets.annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    today = timezone.localdate(now)
    metrics.by_day = [
        (
            day_label(today - timedelta(days=offset)),
            per_day.get(today - timedelta(days=offset), 0),
        )
        for offset in range(min(days, 30) - 1, -1, -1)
    ]
    sla_rows = (
        tickets.filter(sla_decided)
        .values_list("priority")
        .annotate(total=Count("id"), met=Count("id", filter=sla_met))
        .values_list("priority", "total", "met")
    )
    by_priority = {priority: (total, met) for priority, total, met in sla_rows}
    metrics.sla_by_priority = [
        (label, round(100 * by_priority[value][1] / by_priority[value][0], 1))
        for value, label in reversed(Priority.choices)
        if value in by_priority
    ]
    scores = dict(
        tickets.filter(csat_score__isnull=False)
        .values_list("csat_score")
        .annotate(n=Count("id"))
        .values_list("csat_score", "n")
    )
    metrics.csat_distribution = [(str(score), scores.get(score, 0)) for score in range(5, 0, -1)]
    metrics.deflections = Deflection.objects.filter(created_at__gte=since).count()
    return metrics
