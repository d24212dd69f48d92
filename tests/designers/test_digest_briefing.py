"""The weekly digest reads as a briefing: what surfaced this week and why, the milestones
crossed this week, the decisions due; in the reader's language, number format and time zone."""

from datetime import UTC, datetime

import pytest

from cocreate.notifications.models import Notification
from designers.digest import weekly_digest_send
from designers.models import ReviewItem
from tests.factories.designers import ProductTeamFactory, ReviewItemFactory
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 23, 7, tzinfo=UTC)


def _item(product, title, surfaced, **fields) -> ReviewItem:
    item = ReviewItemFactory(post__product=product, post__title=title, **fields)
    ReviewItem.objects.filter(pk=item.pk).update(surfaced_at=surfaced)
    return item


@pytest.fixture
def aurora_week():
    """Aurora 3's queue on a Monday morning: one idea new this week, one that crossed a
    milestone late on Saturday (UTC), one assigned to Dana, one waiting since September, one
    decided."""
    product = ProductFactory(name="Aurora 3")
    dana = ProductTeamFactory(
        product=product, user__username="dana", user__time_zone="Asia/Shanghai"
    ).user
    mei = ProductTeamFactory(
        product=product, user__language="zh-hans", user__time_zone="Asia/Shanghai"
    ).user
    _item(
        product,
        "Swappable battery",
        datetime(2026, 11, 20, 9, tzinfo=UTC),
        support=1204.0,
        reasons=[{"code": "milestone", "milestone": 1000, "votes": 1204}],
    )
    _item(
        product,
        "Louder alarm",
        datetime(2026, 10, 1, 7, tzinfo=UTC),
        milestone=100,
        milestone_at=datetime(2026, 11, 21, 23, 30, tzinfo=UTC),  # Sunday in Shanghai
    )
    _item(
        product,
        "Darker theme",
        datetime(2026, 10, 10, 7, tzinfo=UTC),
        assignee=dana,
        state=ReviewItem.State.IN_REVIEW,
    )
    _item(product, "Quieter fan", datetime(2026, 9, 1, 7, tzinfo=UTC))
    _item(
        product,
        "Decided long ago",
        datetime(2026, 8, 1, 7, tzinfo=UTC),
        state=ReviewItem.State.DECIDED,
        decision="planned",
    )
    return dana, mei


def test_a_designers_briefing(aurora_week):
    dana, _mei = aurora_week

    assert weekly_digest_send(now=MONDAY) == 2

    digest = Notification.objects.get(recipient=dana, kind="designers.digest")
    assert digest.title == "Weekly digest: 4 items wait for a decision"
    assert digest.body == (
        "Your review queue, week of Nov 23, 2026: Aurora 3.\n"
        "\n"
        "New this week: 1\n"
        "- Swappable battery · Aurora 3 · support 1,204\n"
        "  Why: Reached 1,000 supporters (1,204 when it surfaced)\n"
        "\n"
        "Milestones crossed this week: 1\n"
        "- Louder alarm · Aurora 3 · reached 100 supporters on Nov 22\n"
        "\n"
        "Decisions due: 4 waiting\n"
        "Assigned to you: 1\n"
        "- Darker theme · Aurora 3 · waiting 44 days · support 20\n"
        "Waiting longest:\n"
        "- Quieter fan · Aurora 3 · waiting 83 days · support 20\n"
        "- Louder alarm · Aurora 3 · waiting 53 days · support 20"
    )


def test_the_briefing_in_chinese_with_chinese_numbers_and_the_readers_day(aurora_week):
    _dana, mei = aurora_week

    weekly_digest_send(now=MONDAY)

    digest = Notification.objects.get(recipient=mei, kind="designers.digest")
    assert digest.title == "每周摘要：4项等待决定"
    body = digest.body
    assert body.startswith("您的评审队列（2026年11月23日这一周）：Aurora 3。")
    assert "- Swappable battery · Aurora 3 · 支持度1204" in body
    assert "  推送原因：达到1000位支持者（推送时1204位）" in body
    assert "- Louder alarm · Aurora 3 · 11月22日达到100位支持者" in body
    assert "待决定：4项等待中" in body
    # Mei has nothing assigned: her decisions due are the longest waiting, Dana's included.
    assert "分配给您" not in body
    assert "- Darker theme · Aurora 3 · 已等待44天 · 支持度20" in body


def test_an_empty_week_says_so():
    team = ProductTeamFactory()
    _item(team.product, "Old idea", datetime(2026, 9, 1, 7, tzinfo=UTC))

    weekly_digest_send(now=MONDAY)

    body = Notification.objects.get(recipient=team.user, kind="designers.digest").body
    assert "New this week: 0\nNothing new surfaced this week." in body
    assert "Milestones crossed this week: 0\nNo idea crossed a milestone this week." in body
    assert "Waiting longest:\n- Old idea" in body


def test_a_milestone_reached_when_it_surfaced_is_not_news_again():
    # An idea that surfaced with its milestone says so in its reasons, not as a crossing.
    team = ProductTeamFactory()
    surfaced = datetime(2026, 11, 20, 9, tzinfo=UTC)
    _item(
        team.product,
        "Surfaced at 50",
        surfaced,
        milestone=50,
        milestone_at=surfaced,
        reasons=[{"code": "milestone", "milestone": 50, "votes": 52}],
    )

    weekly_digest_send(now=MONDAY)

    body = Notification.objects.get(recipient=team.user, kind="designers.digest").body
    assert "Milestones crossed this week: 0" in body
    assert "Why: Reached 50 supporters (52 when it surfaced)" in body
