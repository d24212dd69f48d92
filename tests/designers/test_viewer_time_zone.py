"""The votes-per-day chart counts days in the viewer's time zone."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from community.models import Vote
from designers.selectors import axis_day, dashboard, votes_per_day
from tests.factories.accounts import UserFactory
from tests.factories.community import PostFactory

pytestmark = pytest.mark.django_db


def test_a_late_evening_vote_in_utc_counts_on_the_next_day_in_shanghai():
    post = PostFactory()
    vote = Vote.objects.create(post=post, user=UserFactory())
    # 1 March 20:30 UTC is 2 March 04:30 in Shanghai.
    Vote.objects.filter(pk=vote.pk).update(created_at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC))

    with timezone.override("UTC"):
        in_utc = [count for _day, count in votes_per_day(post, days=2, today=date(2026, 3, 2))]
    with timezone.override("Asia/Shanghai"):
        in_shanghai = [count for _day, count in votes_per_day(post, days=2, today=date(2026, 3, 2))]

    assert in_utc == [1, 0]
    assert in_shanghai == [0, 1]


def test_the_dashboards_weeks_start_on_the_viewers_monday():
    post = PostFactory()
    vote = Vote.objects.create(post=post, user=UserFactory())
    # 02:00 on a Monday in Shanghai, two weeks back, is still Sunday evening in UTC: the week before.
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    today = timezone.localdate(timezone=shanghai)
    monday = today - timedelta(days=today.weekday(), weeks=2)
    moment = datetime.combine(monday, time(2, 0), tzinfo=shanghai)
    Vote.objects.filter(pk=vote.pk).update(created_at=moment)

    def votes_per_week():
        return dict(dashboard(post.product)["votes"])

    with timezone.override("UTC"):
        in_utc = votes_per_week()
    with timezone.override(shanghai):
        in_shanghai = votes_per_week()

    # Each week is labelled by its Monday: Shanghai counts the vote in the week it opens, UTC in
    # the week before.
    assert in_shanghai[axis_day(monday)] == 1 and sum(in_shanghai.values()) == 1
    assert in_utc[axis_day(monday - timedelta(weeks=1))] == 1 and sum(in_utc.values()) == 1
