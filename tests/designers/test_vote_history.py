"""The item page's votes chart covers the post's whole life, by day, week or month as its age
asks, in the viewer's time zone."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from cocreate.core.dates import day_label
from community.models import Post, Vote
from designers.selectors import votes_over_time
from tests.factories.accounts import UserFactory, designer
from tests.factories.community import PostFactory
from tests.factories.designers import ReviewItemFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)  # a Monday


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def post_published(day: date) -> Post:
    post = PostFactory()
    Post.objects.filter(pk=post.pk).update(created_at=at(day))
    post.refresh_from_db()
    return post


def votes(post: Post, *days: date) -> None:
    for day in days:
        vote = Vote.objects.create(post=post, user=UserFactory())
        Vote.objects.filter(pk=vote.pk).update(created_at=at(day))


def counts(history) -> list[int]:
    return [count for _label, count in history.columns]


@pytest.fixture(autouse=True)
def utc():
    with timezone.override("UTC"):
        yield


def test_a_young_post_is_charted_by_day_from_its_first_day():
    post = post_published(TODAY - timedelta(days=19))
    votes(post, TODAY - timedelta(days=19), TODAY - timedelta(days=18), TODAY)

    history = votes_over_time(post, today=TODAY)

    assert history.unit == "day"
    assert len(history.columns) == 20
    assert history.columns[0] == (day_label(TODAY - timedelta(days=19)), 1)
    assert counts(history)[1] == 1 and counts(history)[-1] == 1
    assert (history.total, history.recent) == (3, 3)


def test_a_post_of_today_still_shows_a_week():
    post = post_published(TODAY)
    votes(post, TODAY)

    history = votes_over_time(post, today=TODAY)

    assert history.unit == "day"
    assert counts(history) == [0, 0, 0, 0, 0, 0, 1]


def test_a_post_whose_votes_came_last_month_is_not_an_empty_chart():
    # Given a post of three months ago whose votes all came in its first weeks
    published = TODAY - timedelta(days=90)
    post = post_published(published)
    votes(post, published, published, published + timedelta(days=8), TODAY - timedelta(days=40))

    history = votes_over_time(post, today=TODAY)

    # Then its life is charted by week, from the week it was published, every vote counted
    assert history.unit == "week"
    monday = published - timedelta(days=published.weekday())
    assert history.columns[0] == (day_label(monday), 2)
    assert history.columns[-1] == (day_label(TODAY), 0)
    assert sum(counts(history)) == 4 == history.total
    assert history.recent == 0  # none in the last 30 days
    assert len(history.columns) == 14


def test_a_post_of_two_years_is_charted_by_month():
    post = post_published(date(2024, 5, 20))
    votes(post, date(2024, 5, 21), date(2024, 6, 30), date(2024, 6, 1), date(2026, 6, 1))

    history = votes_over_time(post, today=TODAY)

    assert history.unit == "month"
    assert len(history.columns) == 26  # May 2024 … June 2026
    assert counts(history)[:3] == [1, 2, 0]
    assert counts(history)[-1] == 1
    assert history.total == 4 and history.recent == 1


def test_votes_merged_from_an_older_duplicate_widen_the_chart():
    # A merge moves a duplicate's votes, with their dates, to the original: they may be older.
    post = post_published(TODAY - timedelta(days=10))
    votes(post, TODAY - timedelta(days=30), TODAY)

    history = votes_over_time(post, today=TODAY)

    assert history.unit == "day"
    assert len(history.columns) == 31
    assert counts(history)[0] == 1 and sum(counts(history)) == 2


def test_days_are_the_viewers():
    post = post_published(date(2026, 3, 1))
    vote = Vote.objects.create(post=post, user=UserFactory())
    # 1 March 20:30 UTC is 2 March 04:30 in Shanghai.
    Vote.objects.filter(pk=vote.pk).update(created_at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC))

    in_utc = counts(votes_over_time(post, today=date(2026, 3, 7)))
    with timezone.override("Asia/Shanghai"):
        in_shanghai = counts(votes_over_time(post, today=date(2026, 3, 7)))

    assert in_utc[:2] == [1, 0]
    assert in_shanghai[:2] == [0, 1]


def test_no_votes_yet():
    post = post_published(TODAY - timedelta(days=3))

    history = votes_over_time(post, today=TODAY)

    assert history.total == 0 and set(counts(history)) == {0}


def test_the_item_page_charts_an_old_posts_votes(client):
    # Given a surfaced post of three months ago whose votes came in its second month
    today = timezone.localdate()
    published = today - timedelta(days=90)
    post = post_published(published)
    votes(post, today - timedelta(days=45), today - timedelta(days=40))
    item = ReviewItemFactory(post=post)
    client.force_login(designer())

    # When a designer opens it
    html = client.get(item.get_absolute_url()).content.decode()

    # Then the chart covers its life by week and the votes show
    assert 'aria-label="Votes per week since the post was published"' in html
    assert "2 votes in all, 0 in the last 30 days." in html
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', html)]
    weeks = (today - (published - timedelta(days=published.weekday()))).days // 7 + 1
    assert len(heights) == weeks and sum(1 for height in heights if height > 0) in (1, 2)
