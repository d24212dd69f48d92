"""The votes-per-day chart counts days in the viewer's time zone."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from community.models import Vote
from designers.selectors import votes_per_day
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
