"""The desk's numbers over a period: volume, response and resolution times, SLA, CSAT, deflection.

Read from the daily figures (models/metrics.py), summed over the period's days: a few queries
over a few thousand rows, whatever the number of tickets. A period is the last `days` UTC days,
today included; the chart of new tickets per day is drawn in the reader's time zone from hourly
figures. The page first recomputes the period's stale days, so its numbers are exact at once
(docs/service_desk.md, "Metrics").
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from math import ceil, floor

from django.db.models import DateField, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone

from cocreate.core.dates import day_label
from cocreate.core.i18n import localized
from products.models import Product

from .models import Category, Channel, MetricsDayFigure, MetricsStaleDay, Priority
from .services.metrics import bucket_bounds, metrics_refresh_period, utc_day

Dimension = MetricsDayFigure.Dimension
TOP_PRODUCTS = 10


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
    # SLA compliance counts only tickets whose outcome is known (services.metrics.sla_outcome).
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


@dataclass
class _Sums:
    tickets: int = 0
    seconds: float = 0.0
    sla_decided: int = 0
    sla_met: int = 0


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def percentile(histogram: dict[str, _Sums], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over a histogram of durations. A bucket's lone ticket is
    taken at its exact value (the bucket's sum), several are spread evenly across the bucket
    (bucket 0, under a minute, at their mean): within 1 % of the exact figure on the scale data."""
    buckets = sorted((int(key), sums) for key, sums in histogram.items() if sums.tickets)
    count = sum(sums.tickets for _bucket, sums in buckets)
    if not count:
        return None

    def value_at(index: int) -> float:
        for bucket, sums in buckets:
            if index < sums.tickets:
                if sums.tickets == 1 or bucket == 0:
                    return sums.seconds / sums.tickets
                low, high = bucket_bounds(bucket)
                return low + (index + 0.5) / sums.tickets * (high - low)
            index -= sums.tickets
        raise IndexError(index)

    position = fraction * (count - 1)
    lower, upper = value_at(floor(position)), value_at(ceil(position))
    return lower + (position - floor(position)) * (upper - lower)


def _top_products(counts: dict[str, _Sums]) -> list[tuple[str, int]]:
    """The most frequent products, ties by name in the reader's language (as ORDER BY did)."""
    ranked = sorted((sums.tickets for sums in counts.values()), reverse=True)
    if not ranked:
        return []
    least = ranked[min(TOP_PRODUCTS, len(ranked)) - 1]
    names = (
        Product.objects.filter(pk__in=[int(k) for k, s in counts.items() if s.tickets >= least])
        .annotate(product_name=localized("name"))
        .order_by("product_name")
        .values_list("pk", "product_name")
    )
    by_count = sorted(
        enumerate(names), key=lambda item: (-counts[str(item[1][0])].tickets, item[0])
    )
    return [(name, counts[str(pk)].tickets) for _position, (pk, name) in by_count][:TOP_PRODUCTS]


def _tickets_per_local_day(first_day, last_day) -> dict:
    """New tickets per day in the reader's time zone, from the hourly figures regrouped by the
    database (exact in zones a whole number of hours from UTC)."""
    local_day = RawSQL(
        "((day + key::int * interval '1 hour') AT TIME ZONE 'UTC' AT TIME ZONE %s)::date",
        [timezone.get_current_timezone_name()],
        output_field=DateField(),
    )
    return dict(
        MetricsDayFigure.objects.filter(
            dimension=Dimension.HOUR, day__gte=first_day, day__lte=last_day
        )
        .annotate(local_day=local_day)
        .values_list("local_day")
        .annotate(Sum("tickets"))
        .order_by()
    )


def desk_metrics(*, days: int = 30, now=None) -> DeskMetrics:
    now = now or timezone.now()
    last = utc_day(now)
    first = last - timedelta(days=days - 1)
    today = timezone.localdate(now)
    chart_days = [today - timedelta(days=offset) for offset in range(min(days, 30) - 1, -1, -1)]
    chart_first = utc_day(datetime.combine(chart_days[0], time(), timezone.get_current_timezone()))
    if MetricsStaleDay.objects.filter(day__gte=min(first, chart_first), day__lte=last).exists():
        metrics_refresh_period(min(first, chart_first), last, now)

    figures: dict[str, dict[str, _Sums]] = defaultdict(lambda: defaultdict(_Sums))
    rows = (
        MetricsDayFigure.objects.filter(day__gte=first, day__lte=last)
        .exclude(dimension=Dimension.HOUR)
        .values_list("dimension", "key")
        .annotate(Sum("tickets"), Sum("seconds"), Sum("sla_decided"), Sum("sla_met"))
        .order_by()
    )
    for dimension, key, *sums in rows:
        figures[dimension][key] = _Sums(*sums)

    metrics = DeskMetrics(days=days)
    every = figures[Dimension.ALL][""]
    metrics.tickets = every.tickets
    metrics.sla_decided, metrics.sla_met = every.sla_decided, every.sla_met
    for name, histogram in (
        ("first_response", figures[Dimension.FIRST_RESPONSE]),
        ("resolution", figures[Dimension.RESOLUTION]),
    ):
        setattr(metrics, f"{name}_median_h", _hours(percentile(histogram, 0.5)))
        setattr(metrics, f"{name}_p90_h", _hours(percentile(histogram, 0.9)))

    scores = {int(key): sums.tickets for key, sums in figures[Dimension.CSAT].items()}
    metrics.csat_count = sum(scores.values())
    if metrics.csat_count:
        total = sum(score * count for score, count in scores.items())
        metrics.csat_average = round(total / metrics.csat_count, 2)
    metrics.csat_distribution = [(str(score), scores.get(score, 0)) for score in range(5, 0, -1)]

    metrics.by_category = [
        (label, figures[Dimension.CATEGORY][value].tickets) for value, label in Category.choices
    ]
    metrics.by_channel = [
        (label, figures[Dimension.CHANNEL][value].tickets) for value, label in Channel.choices
    ]
    metrics.by_product = _top_products(figures[Dimension.PRODUCT])
    per_day = _tickets_per_local_day(chart_first, last)
    metrics.by_day = [(day_label(day), per_day.get(day, 0)) for day in chart_days]
    by_priority = figures[Dimension.PRIORITY]
    metrics.sla_by_priority = [
        (label, round(100 * sums.sla_met / sums.sla_decided, 1))
        for value, label in reversed(Priority.choices)
        if (sums := by_priority.get(str(value))) and sums.sla_decided
    ]
    metrics.deflections = figures[Dimension.DEFLECTION][""].tickets
    return metrics
