from datetime import UTC, datetime

import pytest

from cocreate.notifications.models import Notification
from designers import tasks
from designers.digest import weekly_digest_send
from designers.models import ReviewItem
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
    assert digest.body.startswith("本周新增：") and "Waiting idea" in digest.body
