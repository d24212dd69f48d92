"""The metrics page's daily figures (service_desk/models/metrics.py): the numbers read from them
equal the numbers computed from the tickets themselves, they follow every change of a ticket
(in whichever day it happens), a refresh is idempotent, and reading them costs the same number
of queries at 1× and 10× the tickets."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db.models import Aggregate, Avg, Count, F, FloatField, Q
from django.utils import timezone, translation

from cocreate.core.clock import clock_at
from cocreate.core.i18n import localized
from service_desk import services
from service_desk.consistency import CHECKS
from service_desk.metrics import desk_metrics
from service_desk.models import (
    Category,
    Channel,
    Deflection,
    MetricsDayFigure,
    MetricsStaleDay,
    Priority,
    Ticket,
)
from service_desk.services.metrics import seconds_between, sla_outcome, utc_day
from tests.factories.products import ProductFactory
from tests.factories.service_desk import KnowledgeArticleFactory, TicketFactory

pytestmark = pytest.mark.django_db
Status = Ticket.Status
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)


class Percentile(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float):
        super().__init__(expression, fraction=f"{fraction:.4f}")


def hours(seconds):
    return None if seconds is None else round(seconds / 3600, 1)


def from_tickets(days: int, now=NOW) -> dict:
    """The page's numbers computed from the tickets, as the page did before the daily figures:
    over the tickets filed in the period's UTC days."""
    first = datetime.combine(utc_day(now) - timedelta(days=days - 1), time(), UTC)
    tickets = Ticket.objects.filter(created_at__gte=first)
    decided, met = sla_outcome(now)
    response = seconds_between("first_responded_at", "created_at")
    resolution = seconds_between("resolved_at", "created_at") - F("paused_seconds")
    totals = tickets.aggregate(
        tickets=Count("id"),
        first_response_median_h=Percentile(response, fraction=0.5),
        first_response_p90_h=Percentile(response, fraction=0.9),
        resolution_median_h=Percentile(resolution, fraction=0.5),
        resolution_p90_h=Percentile(resolution, fraction=0.9),
        sla_decided=Count("id", filter=decided),
        sla_met=Count("id", filter=met),
        csat_count=Count("id", filter=Q(csat_score__isnull=False)),
        csat_average=Avg("csat_score"),
    )
    for name in ("first_response_median_h", "first_response_p90_h", "resolution_median_h"):
        totals[name] = hours(totals[name])
    totals["resolution_p90_h"] = hours(totals["resolution_p90_h"])
    if totals["csat_average"] is not None:
        totals["csat_average"] = round(totals["csat_average"], 2)

    def count_by(field, choices):
        counted = dict(tickets.values_list(field).annotate(n=Count("id")).values_list(field, "n"))
        return [(label, counted.get(value, 0)) for value, label in choices]

    totals["by_category"] = count_by("category", Category.choices)
    totals["by_channel"] = count_by("channel", Channel.choices)
    totals["by_product"] = list(
        tickets.annotate(name=localized("product__name"))
        .values_list("name")
        .annotate(n=Count("id"))
        .order_by("-n", "name")
        .values_list("name", "n")[:10]
    )
    scores = dict(count_by("csat_score", [(s, s) for s in range(1, 6)]))
    totals["csat_distribution"] = [(str(s), scores[s]) for s in range(5, 0, -1)]
    sla = {
        priority: (total, good)
        for priority, total, good in tickets.filter(decided)
        .values_list("priority")
        .annotate(total=Count("id"), good=Count("id", filter=met))
        .values_list("priority", "total", "good")
    }
    totals["sla_by_priority"] = [
        (label, round(100 * sla[value][1] / sla[value][0], 1))
        for value, label in reversed(Priority.choices)
        if value in sla
    ]
    totals["deflections"] = Deflection.objects.filter(created_at__gte=first).count()
    return totals


def from_figures(days: int, now=NOW) -> dict:
    metrics = desk_metrics(days=days, now=now)
    return {name: getattr(metrics, name) for name in from_tickets(days, now)}


def snapshot() -> list:
    return sorted(
        MetricsDayFigure.objects.values_list(
            "day", "dimension", "key", "tickets", "seconds", "sla_decided", "sla_met"
        )
    )


@pytest.fixture
def desk_story(alice, sam, product, policies):
    """Tickets over three weeks, changed on later days than they were filed: answered, resolved,
    reopened and resolved again, rated, overdue, never answered; and two deflections."""
    other = ProductFactory(name="Beacon Mesh")

    def filed(moment, priority=None, **fields):
        with clock_at(moment):
            ticket = services.ticket_create(
                customer=alice,
                product=fields.pop("product", product),
                category=fields.pop("category", Category.TECHNICAL_SUPPORT),
                subject="The fan is loud",
                description="Since the update.",
                **fields,
            )
            if priority is not None:
                ticket = services.ticket_update(ticket=ticket, actor=sam, priority=priority)
            return ticket

    def at(moment, change, ticket, **kwargs):
        with clock_at(moment):
            return change(ticket=ticket, **kwargs)

    reply = services.ticket_reply
    status = services.ticket_change_status
    start = NOW - 3 * DAY
    answered = filed(start + 10 * HOUR)  # answered after 1.5 h, resolved two days later, rated
    at(start + 11.5 * HOUR, reply, answered, author=sam, body="On it")
    at(start + 2 * DAY, status, answered, actor=sam, status=Status.RESOLVED)
    at(start + 2 * DAY + HOUR, services.ticket_rate, answered, customer=alice, score=5)
    filed(start + 23.5 * HOUR, category=Category.LOGISTICS)  # the last half hour of a day
    reopened = filed(start + DAY + 2 * HOUR, product=other, priority=Priority.HIGH)
    at(start + DAY + 4 * HOUR, reply, reopened, author=sam, body="Try this")
    at(start + DAY + 7 * HOUR, status, reopened, actor=sam, status=Status.RESOLVED)
    at(start + 2 * DAY, status, reopened, actor=sam, status=Status.OPEN)  # reopened next day
    at(NOW - HOUR, status, reopened, actor=sam, status=Status.RESOLVED)
    at(NOW - HOUR, services.ticket_rate, reopened, customer=alice, score=2)
    urgent = filed(NOW - 5 * HOUR, priority=Priority.URGENT)  # overdue: nobody answered
    closed = filed(NOW - 12 * DAY, category=Category.CONSULTATION, product=other)
    at(NOW - 12 * DAY + 20 * HOUR, reply, closed, author=sam, body="Here is how")
    at(NOW - 11 * DAY, status, closed, actor=sam, status=Status.CLOSED)
    filed(NOW - 40 * DAY, product=other)  # outside 7 and 30 days, inside 90
    article = KnowledgeArticleFactory()
    with clock_at(NOW - 2 * DAY):
        services.deflection_record(article=article)
    with clock_at(NOW - 50 * DAY):
        services.deflection_record(article=article)
    return {"answered": answered, "reopened": reopened, "urgent": urgent}


@pytest.mark.parametrize("days", [7, 30, 90])
def test_the_numbers_from_the_daily_figures_equal_those_from_the_tickets(desk_story, days):
    # Given tickets and deflections over three months (desk_story)
    # When the page's numbers are read from the daily figures
    figures = from_figures(days)

    # Then they are the numbers computed from the tickets themselves
    assert figures == from_tickets(days)
    assert figures["tickets"] == {7: 4, 30: 5, 90: 6}[days]
    assert figures["sla_decided"] >= 1  # the overdue urgent ticket, before the SLA job saw it


def test_a_later_change_of_a_ticket_changes_the_day_it_was_filed(desk_story, sam, alice):
    # Given the figures of the period, read once
    before = from_figures(30)

    # When a ticket filed three days ago is reopened, answered and resolved again today
    answered = desk_story["answered"]
    with clock_at(NOW - 2 * HOUR):
        services.ticket_change_status(ticket=answered, actor=sam, status=Status.OPEN)
    with clock_at(NOW - HOUR):
        services.ticket_change_status(ticket=answered, actor=sam, status=Status.RESOLVED)
    # … and the urgent one is answered
    with clock_at(NOW - HOUR):
        services.ticket_reply(ticket=desk_story["urgent"], author=sam, body="Sorry")

    # Then the next read shows it at once, equal to the tickets' numbers again
    after = from_figures(30)
    assert after == from_tickets(30)
    assert after["resolution_p90_h"] != before["resolution_p90_h"]
    assert after["first_response_median_h"] != before["first_response_median_h"]


def test_a_refresh_is_idempotent(desk_story):
    # Given figures refreshed once
    services.metrics_refresh(now=NOW)
    refreshed = snapshot()
    assert refreshed and not MetricsStaleDay.objects.exists()

    # When nothing changed and the refresh runs again, or every day is rebuilt
    assert services.metrics_refresh(now=NOW) == 0
    assert services.metrics_rebuild(now=NOW) == len({row[0] for row in refreshed})

    # Then the figures are the same, row for row
    assert snapshot() == refreshed


def test_every_write_of_a_counted_column_marks_the_filing_day_stale():
    filed_on = NOW - 3 * DAY
    with clock_at(filed_on):
        ticket = TicketFactory()
    services.metrics_refresh(now=NOW)
    rows = Ticket.objects.filter(pk=ticket.pk)

    def stale_days():
        days = sorted(MetricsStaleDay.objects.values_list("day", flat=True).distinct())
        MetricsStaleDay.objects.all().delete()
        return days

    # A column the metrics do not count marks nothing
    rows.update(subject="Other words")
    assert stale_days() == []
    # A bulk update, not through a service, marks the filing day
    rows.update(csat_score=3)
    assert stale_days() == [filed_on.date()]
    # Moving the filing day marks both days; deleting marks the day the ticket was on
    rows.update(created_at=NOW)
    assert stale_days() == [filed_on.date(), NOW.date()]
    rows.delete()
    assert stale_days() == [NOW.date()]


def test_the_chart_counts_the_readers_days_and_the_period_utc_days():
    # Given a ticket in the last half hour of 19 November (UTC) and one in the first of the 20th
    for moment in (NOW.replace(day=19, hour=23, minute=30), NOW.replace(hour=0, minute=30)):
        with clock_at(moment):
            TicketFactory()

    def chart(zone):
        with timezone.override(zone), translation.override("en"):
            by_day = dict(desk_metrics(days=7, now=NOW).by_day)
        return {day: count for day, count in by_day.items() if count}

    # Then each reader sees them on the days of their own time zone
    assert chart("UTC") == {"Nov 19": 1, "Nov 20": 1}
    assert chart("Asia/Shanghai") == {"Nov 20": 2}  # 07:30 and 08:30 on the 20th
    assert chart("America/New_York") == {"Nov 19": 2}  # 18:30 and 19:30 on the 19th
    # … while a period counts UTC days: "1 day" is today in UTC whatever the reader's zone
    with timezone.override("America/New_York"):
        assert desk_metrics(days=1, now=NOW).tickets == 1


def _tickets_on_many_days(count: int, products: int):
    makes = [ProductFactory() for _ in range(products)]
    for index in range(count):
        with clock_at(NOW - (index % 80) * DAY - index * timedelta(minutes=7)):
            ticket = TicketFactory(product=makes[index % products], csat_score=1 + index % 5)
        Ticket.objects.filter(pk=ticket.pk).update(
            first_responded_at=F("created_at") + (index + 1) * timedelta(minutes=13),
            resolved_at=F("created_at") + (index + 1) * HOUR,
            status=Status.RESOLVED,
        )


def test_reading_the_figures_costs_the_same_queries_at_10x_the_tickets(
    django_assert_num_queries,
):
    # Given 6 tickets over many days, refreshed
    _tickets_on_many_days(6, products=2)
    services.metrics_refresh(now=NOW)
    # Then the numbers of 90 days take 4 queries: stale days? figures, products, hours
    with django_assert_num_queries(4):
        desk_metrics(days=90, now=NOW)

    # And with ten times the tickets, on more products, still 4
    _tickets_on_many_days(60, products=12)
    services.metrics_refresh(now=NOW)
    with django_assert_num_queries(4):
        assert desk_metrics(days=90, now=NOW).tickets == 66


def test_check_consistency_finds_and_repairs_a_wrong_figure(desk_story):
    # Given refreshed figures, one of them wrong
    services.metrics_refresh(now=NOW)
    check = next(check for check in CHECKS if check.model == "service_desk.MetricsDayFigure")
    assert check.differences() == []
    figure = MetricsDayFigure.objects.filter(dimension="category").first()
    MetricsDayFigure.objects.filter(pk=figure.pk).update(tickets=99)

    # When the check runs, then with --fix
    differences = check.differences()
    assert check.fix() == 1

    # Then it named the wrong day, and the fix rebuilt it
    assert [(d.id, d.stored) for d in differences] == [(figure.day.isoformat(), (99, 0, 0, 0))]
    assert check.differences() == []


def test_medians_of_tickets_that_share_buckets_stay_close_to_the_exact_ones():
    # Given 101 tickets answered after 100, 102, … 300 minutes and resolved after 10 to 30 h:
    # several tickets in each bucket of the histograms
    for step in range(101):
        with clock_at(NOW - 2 * DAY + step * timedelta(minutes=3)):
            ticket = TicketFactory()
        Ticket.objects.filter(pk=ticket.pk).update(
            first_responded_at=F("created_at") + timedelta(minutes=100 + 2 * step),
            resolved_at=F("created_at") + timedelta(minutes=600 + 12 * step),
        )

    # When the page's numbers are read from the daily figures
    figures, exact = from_figures(7), from_tickets(7)

    # Then each median and p90 is within 2 % of the exact one (and the tenth of an hour shown)
    for name in ("first_response", "resolution"):
        for figure in (f"{name}_median_h", f"{name}_p90_h"):
            assert figures[figure] == pytest.approx(exact[figure], rel=0.02, abs=0.1)
