"""SLA targets as countdowns ({% countdown %}), read against a fixed clock."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from cocreate.core.clock import clock_at
from service_desk.models import Ticket
from tests.factories.service_desk import TicketFactory

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def render(due, paused=None):
    template = Template("{% load service_desk_tags %}{% countdown due paused=paused %}")
    with clock_at(NOW):
        return template.render(Context({"due": due, "paused": paused}))


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=20), "due in 1 minute"),
        (timedelta(minutes=2), "due in 2 minutes"),
        (timedelta(minutes=59, seconds=50), "due in 1 hour"),
        (timedelta(hours=3, minutes=10), "due in 3 hours"),
        (timedelta(hours=47), "due in 47 hours"),
        (timedelta(days=2, hours=3), "due in 2 days"),
        (-timedelta(minutes=1), "overdue by 1 minute"),
        (-timedelta(hours=1), "overdue by 1 hour"),
        (-timedelta(hours=5), "overdue by 5 hours"),
        (-timedelta(days=1, hours=1), "overdue by 25 hours"),
        (-timedelta(days=3), "overdue by 3 days"),
    ],
)
def test_a_target_reads_as_the_time_left_or_past(delta, text):
    html = render(NOW + delta)

    assert f">{text}</time>" in html
    assert ("sd-countdown-overdue" in html) == (delta < timedelta(0))


def test_the_exact_time_is_on_hover_in_the_readers_time_zone():
    due = NOW + timedelta(hours=3)
    with translation.override("en"), timezone.override("Asia/Shanghai"):
        html = render(due)

    assert f'datetime="{due.isoformat()}"' in html
    assert 'title="Mar 10, 2026, 23:00"' in html  # 15:00 UTC is 23:00 in Shanghai


def test_a_paused_clock_reads_paused_and_no_target_nothing():
    assert ">paused</time>" in render(NOW - timedelta(days=2), paused=NOW)
    assert render(None) == ""


def test_chinese_has_its_own_words():
    with translation.override("zh-hans"):
        assert "3 小时后到期" in render(NOW + timedelta(hours=3))
        assert "已逾期 2 天" in render(NOW - timedelta(days=2))


@pytest.mark.django_db
def test_the_desk_ticket_page_shows_both_targets_as_countdowns(client, sam):
    ticket = TicketFactory(
        first_response_due_at=NOW + timedelta(minutes=30),
        resolution_due_at=NOW - timedelta(hours=2),
    )
    client.force_login(sam)
    with clock_at(NOW):
        html = client.get(ticket.get_desk_url()).content.decode()

    assert ">due in 30 minutes</time>" in html
    assert ">overdue by 2 hours</time>" in html

    Ticket.objects.filter(pk=ticket.pk).update(paused_at=NOW)
    with clock_at(NOW):
        html = client.get(ticket.get_desk_url()).content.decode()
    assert html.count(">paused</time>") == 2


@pytest.mark.django_db
def test_the_queue_shows_each_tickets_resolution_target_as_a_countdown(client, sam):
    TicketFactory(subject="Soon", resolution_due_at=NOW + timedelta(hours=5))
    TicketFactory(subject="Late", resolution_due_at=NOW - timedelta(days=3, hours=2))
    client.force_login(sam)

    with clock_at(NOW):
        html = client.get(reverse("service_desk:desk_queue")).content.decode()

    assert ">due in 5 hours</time>" in html
    assert ">overdue by 3 days</time>" in html
