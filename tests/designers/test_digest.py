from datetime import UTC, datetime, timedelta

import pytest
from celery.schedules import crontab
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cocreate.notifications.models import Notification
from designers import digest, tasks
from designers.digest import week_of, weekly_digest_send
from designers.models import ReviewItem
from tests.concurrency import run_at_once
from tests.factories.accounts import designer
from tests.factories.designers import ProductTeamFactory, ReviewItemFactory

pytestmark = pytest.mark.django_db


def test_each_designer_gets_one_digest_a_week_of_their_waiting_items():
    team = ProductTeamFactory()
    ReviewItemFactory(post__product=team.product, post__title="Waiting idea")
    ReviewItemFactory(post__product=team.product, state=ReviewItem.State.DECIDED)
    other = designer()  # the other product has no team: every designer hears of it
    ReviewItemFactory()
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)

    assert weekly_digest_send(now=now) == 2
    assert weekly_digest_send(now=now) == 0  # same week: nothing again

    mine = Notification.objects.get(recipient=team.user, kind="designers.digest")
    # Their product's waiting item, plus the team-less product's item every designer hears of.
    assert "2 items wait" in mine.title and "Waiting idea" in mine.body
    theirs = Notification.objects.get(recipient=other, kind="designers.digest")
    assert "1 item waits" in theirs.title and "Waiting idea" not in theirs.body
    assert team.user.pk != other.pk


def test_the_task_runs_the_digest():
    ProductTeamFactory()
    ReviewItemFactory()
    assert tasks.weekly_digest.apply().get() == 1


def test_the_digest_is_written_in_each_designers_language():
    team = ProductTeamFactory(user__language="zh-hans")
    ReviewItemFactory(post__product=team.product, post__title="Waiting idea")

    weekly_digest_send(now=datetime(2026, 11, 23, 9, tzinfo=UTC))

    digest = Notification.objects.get(recipient=team.user, kind="designers.digest")
    assert digest.title == "每周摘要：1项等待决定"
    assert digest.body.startswith("您的评审队列（2026年11月23日这一周）：")
    assert "本周新增：1" in digest.body and "Waiting idea" in digest.body
    assert "本周达到里程碑：0" in digest.body and "待决定：1项等待中" in digest.body


def test_a_second_run_the_same_week_sends_nothing_even_to_new_designers():
    # Given a digest sent on Monday morning
    team = ProductTeamFactory()
    ReviewItemFactory(post__product=team.product)
    monday = datetime(2026, 11, 23, 7, tzinfo=UTC)
    assert weekly_digest_send(now=monday) == 1

    # When, the same week, a designer joins and items surface, and the job runs again (beat
    # restarted, someone ran it by hand)
    newcomer = ProductTeamFactory(product=team.product).user
    ReviewItemFactory(post__product=team.product)
    sent = weekly_digest_send(now=datetime(2026, 11, 29, 22, tzinfo=UTC))

    # Then nothing is sent
    assert sent == 0
    assert Notification.objects.filter(kind="designers.digest").count() == 1
    assert not Notification.objects.filter(recipient=newcomer).exists()

    # and next Monday's digest goes to both
    assert weekly_digest_send(now=monday + timedelta(days=7)) == 2


def test_a_run_that_died_half_way_is_finished_the_same_week(monkeypatch):
    # Given two designers, and a run that dies after the first digest
    first, second = ProductTeamFactory(), ProductTeamFactory()
    ReviewItemFactory(post__product=first.product)
    ReviewItemFactory(post__product=second.product)
    monday = datetime(2026, 11, 23, 7, tzinfo=UTC)
    real_send = digest.notification_send
    calls = []

    def dies_on_the_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_send(**kwargs)

    monkeypatch.setattr(digest, "notification_send", dies_on_the_second)
    with pytest.raises(RuntimeError):
        weekly_digest_send(now=monday)
    monkeypatch.undo()

    # When the job runs again that week
    sent = weekly_digest_send(now=monday + timedelta(hours=1))

    # Then the one left out gets their digest, and nobody gets two
    assert sent == 1
    digests = Notification.objects.filter(kind="designers.digest")
    assert sorted(digests.values_list("recipient_id", flat=True)) == sorted(
        [first.user.pk, second.user.pk]
    )
    assert weekly_digest_send(now=monday + timedelta(hours=2)) == 0


def test_the_digest_runs_on_monday_morning_in_the_sites_time_zone(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["designers-weekly-digest"]["schedule"]
    assert isinstance(schedule, crontab)
    assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({1}, {7}, {0})
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE


def test_the_week_is_the_sites_week(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    # Sunday 23:30 UTC is already Monday in Shanghai: a new week there.
    assert week_of(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)) == (2026, 48)
    settings.TIME_ZONE = "UTC"
    assert week_of(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)) == (2026, 47)


def test_hidden_and_deleted_posts_are_left_out_of_the_digest():
    team = ProductTeamFactory()
    ReviewItemFactory(post__product=team.product, post__title="Shown idea")
    ReviewItemFactory(
        post__product=team.product,
        post__title="Hidden idea",
        post__is_hidden=True,
        post__hidden_reason="moderator",
    )
    ReviewItemFactory(post__product=team.product, post__title="Deleted idea", post__is_deleted=True)

    weekly_digest_send(now=datetime(2026, 11, 23, 7, tzinfo=UTC))

    mine = Notification.objects.get(recipient=team.user, kind="designers.digest")
    assert "1 item waits" in mine.title
    assert "Shown idea" in mine.body
    assert "Hidden idea" not in mine.body and "Deleted idea" not in mine.body


def test_the_digest_lists_the_most_supported_new_items_and_reads_a_bounded_number_of_rows():
    # Given more waiting items, new this week, than a digest lists
    team = ProductTeamFactory()
    now = datetime(2026, 11, 23, 7, tzinfo=UTC)
    total = digest.NEW_LINES + 5
    for support in range(1, total + 1):
        ReviewItemFactory(
            post__product=team.product, post__title=f"Idea with {support}", support=support
        )

    # When the digest is sent
    with CaptureQueriesContext(connection) as queries:
        weekly_digest_send(now=now)

    # Then it counts them all, lists the most supported first, says how many more there are,
    # and no query read every item
    mine = Notification.objects.get(recipient=team.user, kind="designers.digest")
    assert f"{total} items wait" in mine.title
    assert f"New this week: {total}" in mine.body
    lines = [line for line in mine.body.splitlines() if line.startswith("- ")]
    assert len(lines) == digest.NEW_LINES
    assert lines[0] == f"- Idea with {total} · {team.product.name} · support {total}"
    assert "… and 5 more in the queue" in mine.body
    item_reads = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "designers_reviewitem"' in query["sql"] and "GROUP BY" not in query["sql"]
    ]
    assert item_reads and all("LIMIT" in sql for sql in item_reads)


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_digest_once_and_count_it_once(monkeypatch):
    # Given two designers with waiting items
    for _ in range(2):
        team = ProductTeamFactory()
        ReviewItemFactory(post__product=team.product)
    monday = datetime(2026, 11, 23, 7, tzinfo=UTC)
    sends = []
    real_send = digest.notification_send

    def counted_send(**kwargs):
        sends.append(kwargs["recipients"])
        return real_send(**kwargs)

    monkeypatch.setattr(digest, "notification_send", counted_send)

    # When three runs start at the same moment
    results, errors = run_at_once([lambda: weekly_digest_send(now=monday)] * 3)

    # Then one run sends the two digests (and asks for their e-mails once), and the others
    # report that they sent none
    assert not errors
    assert sorted(results) == [0, 0, 2]
    assert len(sends) == 2
    assert Notification.objects.filter(kind="designers.digest").count() == 2
