"""Daily and weekly digest e-mails: when, in whose language and time zone, once, never empty."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from cocreate.notifications import digests
from cocreate.notifications.digests import digest_period, digests_send
from cocreate.notifications.kinds import DIGEST_KIND
from cocreate.notifications.models import Notification, NotificationPreference
from cocreate.notifications.selectors import notifications_for
from cocreate.notifications.services import notification_send
from cocreate.notifications.tasks import send_notification_emails
from cocreate.outbox.models import OutboxMessage
from tests.factories.accounts import UserFactory, customer

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def at(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


def _news(user, *, when, kind="community.new_post", title="A new post", url="/community/x/1/"):
    (row,) = notification_send(
        recipients=[user], kind=kind, title=title, body="Someone posted.", url=url
    )
    Notification.objects.filter(pk=row.pk).update(created_at=when)
    row.refresh_from_db()
    return row


def _digests(user=None):
    rows = Notification.objects.filter(kind=DIGEST_KIND)
    return list(rows.filter(recipient=user) if user else rows)


def _email_digest(digest) -> None:
    send_notification_emails([digest.pk])


# --- The period ---------------------------------------------------------------------------------


def test_a_daily_digest_is_due_from_seven_local_time():
    before = digest_period("daily", at(SHANGHAI, 2026, 12, 8, 6, 59), SHANGHAI)
    after = digest_period("daily", at(SHANGHAI, 2026, 12, 8, 7, 0), SHANGHAI)

    assert (before.key, before.cutoff) == ("2026-12-07", at(SHANGHAI, 2026, 12, 7, 7))
    assert (after.key, after.cutoff) == ("2026-12-08", at(SHANGHAI, 2026, 12, 8, 7))


def test_a_weekly_digest_is_due_from_monday_seven_local_time():
    sunday = digest_period("weekly", at(BERLIN, 2026, 12, 13, 23, 0), BERLIN)
    monday = digest_period("weekly", at(BERLIN, 2026, 12, 14, 7, 0), BERLIN)
    thursday = digest_period("weekly", at(BERLIN, 2026, 12, 17, 12, 0), BERLIN)

    assert sunday.cutoff == at(BERLIN, 2026, 12, 7, 7) and sunday.key == "2026-W50"
    assert monday.cutoff == thursday.cutoff == at(BERLIN, 2026, 12, 14, 7)
    assert monday.key == "2026-W51"


def test_the_hour_stays_seven_across_a_daylight_saving_change():
    # Berlin moves its clocks forward on 29 March 2026, at 02:00.
    period = digest_period("daily", at(BERLIN, 2026, 3, 30, 6, 0), BERLIN)

    assert period.cutoff == at(BERLIN, 2026, 3, 29, 7)
    assert period.cutoff.utcoffset() == timedelta(hours=2)


# --- Sending ------------------------------------------------------------------------------------


def test_one_digest_in_the_readers_language_and_time_zone():
    reader = customer(language="zh-hans", time_zone="Asia/Shanghai", email="li@example.com")
    _news(reader, when=at(SHANGHAI, 2026, 12, 7, 9, 30), title="新帖子：电池")
    _news(reader, when=at(SHANGHAI, 2026, 12, 7, 22, 5), kind="post.planned", title="已计划")

    assert digests_send(now=at(SHANGHAI, 2026, 12, 8, 7, 5)) == 1

    (digest,) = _digests(reader)
    assert digest.dedupe_key == "digest:daily:2026-12-08"
    assert digest.url == reverse("notifications:list")
    assert OutboxMessage.objects.filter(task__endswith="send_notification_emails").count() == 1
    _email_digest(digest)
    (message,) = mail.outbox
    assert message.to == ["li@example.com"]
    assert "2" in message.subject and "摘要" in message.subject
    # Times as the reader's clock showed them (UTC would be 01:30 and 14:05).
    assert "09:30" in message.body and "22:05" in message.body
    assert "新帖子：电池" in message.body and "已计划" in message.body
    assert f"{settings.SITE_URL}/community/x/1/" in message.body
    assert "关注的社区中的新帖子" in message.body  # the group's label, translated
    waiting = Notification.objects.filter(recipient=reader, digested_at__isnull=True)
    assert not waiting.exclude(kind=DIGEST_KIND).exists()


def test_nothing_before_the_readers_hour():
    reader = customer(time_zone="Asia/Shanghai")
    _news(reader, when=at(SHANGHAI, 2026, 12, 7, 9, 30))

    assert digests_send(now=at(SHANGHAI, 2026, 12, 8, 6, 45)) == 0

    assert _digests() == []
    assert Notification.objects.filter(recipient=reader, digested_at__isnull=True).count() == 1


def test_each_reader_at_their_own_hour():
    east = customer(time_zone="Asia/Shanghai")
    west = customer(time_zone="America/New_York")
    for reader in (east, west):  # 20:30 in Shanghai, 07:30 in New York
        _news(reader, when=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 7, 12, 30))

    # 07:05 in Shanghai is 18:05 the evening before in New York: only the east gets theirs.
    assert digests_send(now=at(SHANGHAI, 2026, 12, 8, 7, 5)) == 1
    assert [digest.recipient for digest in _digests()] == [east]
    # New York's 07:05.
    assert digests_send(now=at(zoneinfo.ZoneInfo("America/New_York"), 2026, 12, 8, 7, 5)) == 1
    assert len(_digests(west)) == 1


def test_what_arrives_after_the_hour_waits_for_the_next_day():
    reader = customer(time_zone="Asia/Shanghai")
    early = _news(reader, when=at(SHANGHAI, 2026, 12, 8, 6, 0), title="early")
    late = _news(reader, when=at(SHANGHAI, 2026, 12, 8, 8, 0), title="late")

    digests_send(now=at(SHANGHAI, 2026, 12, 8, 9, 0))
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.digested_at is not None and late.digested_at is None
    assert "early" in _digests(reader)[0].body and "late" not in _digests(reader)[0].body

    assert digests_send(now=at(SHANGHAI, 2026, 12, 9, 7, 0)) == 1
    assert len(_digests(reader)) == 2


def test_running_twice_sends_no_digest_twice():
    reader = customer(time_zone="Asia/Shanghai")
    _news(reader, when=at(SHANGHAI, 2026, 12, 7, 9))
    now = at(SHANGHAI, 2026, 12, 8, 7, 15)

    assert digests_send(now=now) == 1
    assert digests_send(now=now) == 0
    assert digests_send(now=now + timedelta(minutes=15)) == 0
    (digest,) = _digests(reader)
    _email_digest(digest)
    _email_digest(digest)
    assert len(mail.outbox) == 1


def test_a_run_killed_half_way_loses_nothing_and_repeats_nothing(monkeypatch):
    first, second = customer(time_zone="UTC"), customer(time_zone="UTC")
    for reader in (first, second):
        _news(reader, when=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 7, 9), title=f"for {reader}")
    now = at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 8, 7, 15)
    body = digests._digest_body

    def dies_on_the_second(items):
        if items[0].recipient_id == second.pk:
            raise SystemExit("worker killed")
        return body(items)

    monkeypatch.setattr(digests, "_digest_body", dies_on_the_second)
    with pytest.raises(SystemExit):
        digests_send(now=now)
    assert [digest.recipient for digest in _digests()] == [first]
    # The second's notifications were not taken: nothing of its digest was written.
    assert Notification.objects.filter(recipient=second, digested_at__isnull=True).count() == 1

    monkeypatch.setattr(digests, "_digest_body", body)
    assert digests_send(now=now) == 1
    assert sorted(digest.recipient_id for digest in _digests()) == sorted([first.pk, second.pk])


def test_never_empty_when_everything_was_read_in_the_app():
    reader = customer()
    item = _news(reader, when=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 7, 9))
    Notification.objects.filter(pk=item.pk).update(read_at=item.created_at)

    assert digests_send(now=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 8, 8)) == 0

    assert _digests() == []
    item.refresh_from_db()
    assert item.digested_at is not None  # taken, so the next runs do not look at it again


def test_read_notifications_are_left_out_of_the_list():
    reader = customer()
    read = _news(reader, when=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 7, 9), title="seen it")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    _news(reader, when=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 7, 10), title="news to me")

    digests_send(now=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 8, 8))

    (digest,) = _digests(reader)
    assert "news to me" in digest.body and "seen it" not in digest.body
    assert "1 update" in digest.title


def test_no_email_address_no_digest_and_nothing_breaks():
    reader = customer()
    _news(reader, when=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 7, 9))
    reader.email = ""
    reader.save(update_fields=["email"])

    assert digests_send(now=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 8, 8)) == 0

    assert _digests() == []
    assert not Notification.objects.filter(recipient=reader, digested_at__isnull=True).exists()
    assert mail.outbox == []


def test_without_an_address_notifications_never_wait_for_a_digest():
    reader = UserFactory(email="")

    (row,) = notification_send(recipients=[reader], kind="community.new_post", title="x")

    assert row.digest == "" and not row.send_email


def test_weekly_digests_on_monday_and_once_a_week():
    reader = customer(time_zone="Europe/Berlin")
    NotificationPreference.objects.create(
        user=reader, group="community.new_posts", delivery="weekly"
    )
    _news(reader, when=at(BERLIN, 2026, 12, 9, 9))  # Wednesday

    assert digests_send(now=at(BERLIN, 2026, 12, 13, 20)) == 0  # Sunday
    assert digests_send(now=at(BERLIN, 2026, 12, 14, 7, 0)) == 1  # Monday
    _news(reader, when=at(BERLIN, 2026, 12, 14, 9))
    assert digests_send(now=at(BERLIN, 2026, 12, 16, 7, 0)) == 0  # the week's is out

    (digest,) = _digests(reader)
    assert digest.dedupe_key == "digest:weekly:2026-W51" and "weekly" in digest.title


def test_a_missed_monday_is_caught_up_later_that_week():
    reader = customer(time_zone="Europe/Berlin")
    NotificationPreference.objects.create(
        user=reader, group="community.new_posts", delivery="weekly"
    )
    _news(reader, when=at(BERLIN, 2026, 12, 9, 9))

    assert digests_send(now=at(BERLIN, 2026, 12, 15, 10)) == 1  # Tuesday: the job was down


def test_daily_and_weekly_are_separate_digests():
    reader = customer()
    NotificationPreference.objects.create(
        user=reader, group="community.status_changes", delivery="weekly"
    )
    _news(reader, when=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 9, 9))
    _news(reader, kind="post.planned", when=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 9, 9))

    assert digests_send(now=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 14, 7, 30)) == 2

    assert sorted(d.dedupe_key for d in _digests(reader)) == [
        "digest:daily:2026-12-14",
        "digest:weekly:2026-W51",
    ]


def test_a_long_digest_lists_the_first_and_counts_the_rest(monkeypatch):
    monkeypatch.setattr(digests, "DIGEST_LINES", 3)
    reader = customer()
    for number in range(5):
        _news(reader, when=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 7, 9, number), title=f"n{number}")

    digests_send(now=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 8, 8))

    (digest,) = _digests(reader)
    assert "5 updates" in digest.title
    assert "n2" in digest.body and "n3" not in digest.body
    assert "More in the app: 2." in digest.body


def test_a_digest_is_not_listed_in_the_app(client):
    reader = customer()
    _news(reader, when=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 7, 9))
    digests_send(now=at(zoneinfo.ZoneInfo("UTC"), 2026, 12, 8, 8))

    assert [n.kind for n in notifications_for(reader)] == ["community.new_post"]
    client.force_login(reader)
    assert client.get("/api/v1/notifications/").json()["count"] == 1


def test_the_beat_job_runs(capsys):
    assert "notifications-send-digests" in settings.CELERY_BEAT_SCHEDULE

    call_command("run_job", "notifications-send-digests")

    assert "notifications-send-digests: 0" in capsys.readouterr().out
