"""Milestones coming due: the hourly job tells the project's people once, each in their language
and time zone."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from cocreate.notifications.models import Notification
from partners import services, tasks
from partners.models import Milestone
from tests.concurrency import row_locked
from tests.partners.project_work_fixtures import *  # noqa: F403 (the fixtures)

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
DUE = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def _milestone(world, due_at=DUE, **fields):
    return Milestone.objects.create(
        project=world.project, title="Pilot run", due_at=due_at, created_by=world.owner, **fields
    )


def _due_notices():
    return {
        notice.recipient.username: notice
        for notice in Notification.objects.filter(kind="partners.milestone_due").select_related(
            "recipient"
        )
    }


@pytest.mark.django_db
def test_each_member_hears_of_a_due_milestone_in_their_language_and_time_zone(world):
    milestone = _milestone(world)

    assert services.milestones_remind_due(now=NOW) == 1

    notices = _due_notices()
    assert set(notices) == {"owner", "mei", "berta"}
    assert notices["mei"].title == "Solid-state cells 的里程碑即将到期：Pilot run"
    assert notices["mei"].body == "Pilot run 将于 2026年12月8日 17:00（CST）到期。"
    assert notices["berta"].body == "Pilot run is due on Dec 8, 2026, 10:00 (CET)."
    assert notices["berta"].url.endswith(f"/partners/projects/cells/#milestone-{milestone.pk}")
    milestone.refresh_from_db()
    assert milestone.reminded_at == NOW


@pytest.mark.django_db
def test_a_second_run_reminds_no_one_twice_and_a_moved_milestone_is_reminded_again(world):
    milestone = _milestone(world)
    services.milestones_remind_due(now=NOW)
    assert services.milestones_remind_due(now=NOW) == 0
    assert Notification.objects.filter(kind="partners.milestone_due").count() == 3

    services.milestone_change(milestone=milestone, by=world.owner, due_at=DUE + timedelta(hours=2))
    assert services.milestones_remind_due(now=NOW) == 1
    assert Notification.objects.filter(kind="partners.milestone_due").count() == 6


@pytest.mark.django_db
def test_only_open_milestones_due_within_a_day_are_reminded(world):
    _milestone(world, due_at=NOW + timedelta(hours=30))  # later
    _milestone(world, due_at=NOW - timedelta(hours=1))  # already past
    _milestone(world, status=Milestone.Status.DONE)
    _milestone(world, status=Milestone.Status.CANCELLED)
    assert services.milestones_remind_due(now=NOW) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_a_closed_projects_milestones_are_not_reminded(world, status):
    _milestone(world)
    world.project.status = status
    world.project.save(update_fields=["status"])

    assert services.milestones_remind_due(now=NOW) == 0
    assert not _due_notices()


@pytest.mark.django_db
def test_suspended_partners_and_outsiders_are_not_told(world):
    from partners.models import Partner

    Partner.objects.filter(pk=world.maker.pk).update(status=Partner.Status.SUSPENDED)
    _milestone(world)
    services.milestones_remind_due(now=NOW)
    assert set(_due_notices()) == {"owner", "berta"}


@pytest.mark.django_db(transaction=True)
def test_a_milestone_another_run_holds_is_skipped_not_waited_for(world):
    held = _milestone(world)
    free = _milestone(world, due_at=DUE + timedelta(hours=1))

    with row_locked(Milestone, held.pk):
        assert services.milestones_remind_due(now=NOW) == 1

    held.refresh_from_db()
    free.refresh_from_db()
    assert held.reminded_at is None and free.reminded_at == NOW


@pytest.mark.django_db
def test_the_task_is_routed_and_scheduled(world):
    name = "partners.tasks.remind_due_milestones"
    assert settings.CELERY_TASK_ROUTES[name] == {"queue": "default"}
    assert any(entry["task"] == name for entry in settings.CELERY_BEAT_SCHEDULE.values())
    assert tasks.remind_due_milestones.run() == 0
