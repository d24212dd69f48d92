"""Work recorded in the outbox is published once its transaction commits, or later by the sweep
when the broker was down: never lost, never raised into the caller."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cocreate.celery import app as celery_app
from cocreate.outbox.models import OutboxMessage
from cocreate.outbox.services import SWEEP_AFTER, outbox_enqueue, outbox_publish_due
from tests.broker import queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)

TASK = "cocreate.core.tasks.clear_expired_sessions"


def _age(by=SWEEP_AFTER + timedelta(seconds=1)):
    OutboxMessage.objects.update(created_at=timezone.now() - by)


def test_a_task_is_published_once_its_transaction_commits(own_broker):
    with transaction.atomic():
        outbox_enqueue(TASK, 7, kind="weekly")
        assert queued_tasks(own_broker.url) == []  # not before the commit

    assert queued_tasks(own_broker.url) == [(TASK, [7], {"kind": "weekly"})]
    assert not OutboxMessage.objects.exists()


def test_a_rolled_back_transaction_leaves_no_work(own_broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(TASK, 7)
        raise RuntimeError("the write failed")

    assert queued_tasks(own_broker.url) == []
    assert not OutboxMessage.objects.exists()


def test_arguments_that_are_not_json_fail_before_anything_is_saved(own_broker):
    with pytest.raises(TypeError), transaction.atomic():
        outbox_enqueue(TASK, object())

    assert not OutboxMessage.objects.exists()


def test_with_the_broker_down_the_commit_succeeds_and_the_sweep_publishes_once_it_is_back(
    own_broker,
):
    # Given the broker down
    own_broker.stop()

    # When work is enqueued and committed
    with transaction.atomic():
        outbox_enqueue(TASK, 1)
        outbox_enqueue(TASK, 2)

    # Then the commit went through and the work waits
    assert list(OutboxMessage.objects.values_list("args", flat=True)) == [[1], [2]]

    # When the sweep runs while the broker is still down
    _age()
    assert outbox_publish_due() == 0

    # Then the failure is counted on the first row, and both still wait
    first, second = OutboxMessage.objects.all()
    assert first.attempts == 1 and "Error" in first.last_error
    assert second.attempts == 0

    # When the broker is back and the sweep runs again, twice
    own_broker.start()
    published, again = outbox_publish_due(), outbox_publish_due()

    # Then each task was published once, in order, and nothing waits any more
    assert (published, again) == (2, 0)
    assert queued_tasks(own_broker.url) == [(TASK, [1], {}), (TASK, [2], {})]
    assert not OutboxMessage.objects.exists()


def test_the_sweep_leaves_young_rows_to_their_commit(own_broker):
    own_broker.stop()
    with transaction.atomic():
        outbox_enqueue(TASK, 1)
    own_broker.start()

    assert outbox_publish_due() == 0  # normally being published on commit right now
    _age()
    assert outbox_publish_due() == 1


def test_the_sweep_is_a_scheduled_job_run_by_hand(own_broker, settings):
    own_broker.stop()
    with transaction.atomic():
        outbox_enqueue(TASK, 1)
    own_broker.start()
    _age()
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-publish"]
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
    out = StringIO()

    call_command("run_job", "outbox-publish", stdout=out)

    assert "outbox-publish: 1" in out.getvalue()
    assert queued_tasks(own_broker.url) == [(TASK, [1], {})]
