"""The desk metrics' daily figures kept exact (models/metrics.py, docs/service_desk.md).

Database triggers mark the filing day of every changed ticket or deflection stale, in the
change's transaction. A refresh recomputes the stale days from their tickets, from scratch, and
deletes the marks it saw: re-running it changes nothing, and a change committed while it ran
left a mark it did not see, so the next refresh takes that day again. Refreshes take turns (an
advisory lock), so two never write the same day at once.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from math import floor, log

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, FloatField, Func, Q

from cocreate.core import clock

from ..models import Deflection, MetricsDayFigure, MetricsStaleDay, Ticket, sla_overdue, sla_running

Dimension = MetricsDayFigure.Dimension
# Durations are kept as a histogram per day: bucket 0 under a minute, then buckets each this
# much wider than the one before (1 min, 1.15 min, …, about 80 buckets up to a year).
BUCKET_RATIO = 1.15
REFRESH_LOCK = 0x5D_3E7C  # pg advisory lock: one refresh at a time
BATCH_DAYS = 31  # days recomputed per transaction by the periodic refresh and the rebuild
CLAIM_SQL = f"""
    WITH batch AS (
        SELECT DISTINCT day FROM {MetricsStaleDay._meta.db_table}
        WHERE day BETWEEN %(first)s AND %(last)s ORDER BY day LIMIT %(limit)s
    )
    DELETE FROM {MetricsStaleDay._meta.db_table} stale USING batch
    WHERE stale.day = batch.day RETURNING stale.day
"""


def time_bucket(seconds: float) -> int:
    if seconds < 60:
        return 0
    return 1 + floor(log(seconds / 60, BUCKET_RATIO))


def bucket_bounds(bucket: int) -> tuple[float, float]:
    """The seconds a bucket from 1 up covers, [low, high) (bucket 0 has no lower bound)."""
    return 60 * BUCKET_RATIO ** (bucket - 1), 60 * BUCKET_RATIO**bucket


def seconds_between(later: str, earlier: str) -> Func:
    return Func(
        F(later) - F(earlier),
        template="EXTRACT(EPOCH FROM %(expressions)s)",
        output_field=FloatField(),
    )


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


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _filed_on(days) -> Q:
    filed = Q()
    for day in days:
        start = datetime.combine(day, time(), UTC)
        filed |= Q(created_at__gte=start, created_at__lt=start + timedelta(days=1))
    return filed


def figures_compute(days, now=None) -> list[MetricsDayFigure]:
    """The figures of `days` (UTC days) from the tickets and deflections filed on them; an SLA
    target that passed unmet by `now` counts as missed, as on the page."""
    now = now or clock.now()
    decided, met = sla_outcome(now)
    sums = defaultdict(lambda: [0, 0.0, 0, 0])  # tickets, seconds, SLA decided, SLA met

    def add(day, dimension, key, seconds=0.0, sla=(False, False)):
        row = sums[day, dimension, key]
        row[0] += 1
        row[1] += seconds
        row[2] += sla[0]
        row[3] += sla[1]

    tickets = (
        Ticket.objects.filter(_filed_on(days))
        .order_by("pk")  # the same sums of seconds, to the last bit, on every run
        .annotate(
            first_response_seconds=seconds_between("first_responded_at", "created_at"),
            resolution_seconds=seconds_between("resolved_at", "created_at") - F("paused_seconds"),
            sla_decided=ExpressionWrapper(decided, output_field=BooleanField()),
            sla_met=ExpressionWrapper(met, output_field=BooleanField()),
        )
        .values_list(
            "created_at",
            "category",
            "channel",
            "product_id",
            "priority",
            "csat_score",
            "first_response_seconds",
            "resolution_seconds",
            "sla_decided",
            "sla_met",
        )
    )
    for created, category, channel, product, priority, score, first, resolution, *sla in tickets:
        day = utc_day(created)
        sla = (bool(sla[0]), bool(sla[1]))  # NULL (an unknown comparison) counts as False
        add(day, Dimension.ALL, "", sla=sla)
        add(day, Dimension.CATEGORY, category)
        add(day, Dimension.CHANNEL, channel)
        add(day, Dimension.PRODUCT, str(product))
        add(day, Dimension.PRIORITY, str(priority), sla=sla)
        add(day, Dimension.HOUR, f"{created.astimezone(UTC).hour:02d}")
        if score is not None:
            add(day, Dimension.CSAT, str(score))
        if first is not None:
            add(day, Dimension.FIRST_RESPONSE, str(time_bucket(first)), seconds=first)
        if resolution is not None:
            add(day, Dimension.RESOLUTION, str(time_bucket(resolution)), seconds=resolution)
    for created in Deflection.objects.filter(_filed_on(days)).values_list("created_at", flat=True):
        add(utc_day(created), Dimension.DEFLECTION, "")
    return [
        MetricsDayFigure(
            day=day,
            dimension=dimension,
            key=key,
            tickets=count,
            seconds=seconds,
            sla_decided=sla_decided,
            sla_met=sla_met,
        )
        for (day, dimension, key), (count, seconds, sla_decided, sla_met) in sums.items()
    ]


def _take_turn(*, wait: bool) -> bool:
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [REFRESH_LOCK])
        return cursor.fetchone()[0]


def _refresh_batch(first: date, last: date, limit: int, now, *, wait: bool) -> int:
    with transaction.atomic():
        if not _take_turn(wait=wait):
            return 0
        with connection.cursor() as cursor:
            cursor.execute(CLAIM_SQL, {"first": first, "last": last, "limit": limit})
            days = sorted({day for (day,) in cursor.fetchall()})
        if days:
            MetricsDayFigure.objects.filter(day__in=days).delete()
            MetricsDayFigure.objects.bulk_create(figures_compute(days, now))
        return len(days)


def metrics_refresh_period(first: date, last: date, now=None) -> int:
    """The stale days between `first` and `last` recomputed at once (a period of the metrics
    page, at most 91 days); none when another refresh is running: the page does not wait for
    it. Returns the days recomputed."""
    return _refresh_batch(first, last, (last - first).days + 1, now, wait=False)


def metrics_refresh(now=None) -> int:
    """Every stale day recomputed, a batch of days per transaction (the periodic task, and
    the rebuild). Returns the days recomputed."""
    done = 0
    while recomputed := _refresh_batch(date.min, date.max, BATCH_DAYS, now, wait=True):
        done += recomputed
    return done


def metrics_rebuild(now=None) -> int:
    """Every day's figures recomputed from the tickets and deflections: a day that has figures
    or rows is marked stale, then refreshed. Returns the days recomputed."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {MetricsStaleDay._meta.db_table} (day)
            SELECT day FROM {MetricsDayFigure._meta.db_table}
            UNION SELECT (created_at AT TIME ZONE 'UTC')::date FROM {Ticket._meta.db_table}
            UNION SELECT (created_at AT TIME ZONE 'UTC')::date FROM {Deflection._meta.db_table}
            """
        )
    return metrics_refresh(now)
