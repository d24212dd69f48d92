"""The dashboard's charts count days in the viewer's time zone (the item page's votes chart:
test_vote_history.py)."""

import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from cocreate.core.dates import day_label
from community.models import Vote
from designers.selectors import dashboard
from tests.factories.accounts import UserFactory
from tests.factories.community import PostFactory

pytestmark = pytest.mark.django_db


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
    assert in_shanghai[day_label(monday)] == 1 and sum(in_shanghai.values()) == 1
    assert in_utc[day_label(monday - timedelta(weeks=1))] == 1 and sum(in_utc.values()) == 1
