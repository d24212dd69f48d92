"""The periodic job that queues again the deliveries whose next attempt was never run.

What the job queues is read from the real broker's queue (no worker consumes it here)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cocreate.celery import app as celery_app
from cocreate.webhooks import tasks
from cocreate.webhooks.models import WebhookDelivery
from cocreate.webhooks.services import REQUEUE_GRACE, webhook_delivery_requeue_overdue
from tests.broker import queued_tasks
from tests.waiting import wait_until
from tests.webhooks.conftest import pending_delivery

DELIVER = "cocreate.webhooks.tasks.deliver_webhook"


@pytest.fixture
def queued(settings):
    """Reads the tasks waiting in the broker's "webhooks" queue, oldest first, as
    (task name, args, kwargs)."""
    celery_app.control.purge()
    yield lambda: queued_tasks(settings.CELERY_BROKER_URL, "webhooks")
    celery_app.control.purge()


def _overdue(by=REQUEUE_GRACE + timedelta(minutes=1), url="https://hooks.example/h", **fields):
    return pending_delivery(url, next_attempt_at=timezone.now() - by, **fields)


@pytest.mark.django_db
def test_an_overdue_pending_delivery_is_queued_for_its_next_attempt(
    queued, django_capture_on_commit_callbacks
):
    lost = _overdue(attempts=2)

    with django_capture_on_commit_callbacks(execute=True):
        count = webhook_delivery_requeue_overdue()

    assert count == 1
    assert queued() == [(DELIVER, [lost.pk], {"attempt": 3})]
    lost.refresh_from_db()
    assert lost.next_attempt_at > timezone.now()  # leased: the next run leaves it alone


@pytest.mark.django_db
def test_running_the_job_again_queues_nothing_twice(queued, django_capture_on_commit_callbacks):
    lost = _overdue()

    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_requeue_overdue()
    with django_capture_on_commit_callbacks(execute=True):
        again = webhook_delivery_requeue_overdue()

    assert again == 0
    assert queued() == [(DELIVER, [lost.pk], {"attempt": 1})]


@pytest.mark.django_db
def test_due_soon_just_due_and_finished_deliveries_are_left_alone(
    queued, django_capture_on_commit_callbacks
):
    pending_delivery("https://hooks.example/a", next_attempt_at=timezone.now() + timedelta(hours=1))
    _overdue(by=timedelta(seconds=5))  # its Celery retry is about to run
    _overdue(status=WebhookDelivery.Status.SUCCEEDED)
    _overdue(status=WebhookDelivery.Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        count = webhook_delivery_requeue_overdue()

    assert count == 0 and queued() == []


@pytest.mark.django_db
def test_one_run_queues_at_most_a_batch_the_most_overdue_first(
    queued, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("cocreate.webhooks.services.REQUEUE_BATCH", 2)
    oldest = _overdue(by=timedelta(hours=3))
    older = _overdue(by=timedelta(hours=2))
    _overdue(by=timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        count = webhook_delivery_requeue_overdue()

    assert count == 2
    assert {args[0] for _task, args, _kwargs in queued()} == {oldest.pk, older.pk}


@pytest.mark.django_db
def test_the_job_is_a_registered_task_scheduled_and_run_by_hand(
    queued, settings, django_capture_on_commit_callbacks
):
    lost = _overdue()
    entry = settings.CELERY_BEAT_SCHEDULE["webhooks-requeue-overdue"]
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_job", "webhooks-requeue-overdue", stdout=out)

    assert "webhooks-requeue-overdue: 1" in out.getvalue()
    assert queued() == [(DELIVER, [lost.pk], {"attempt": 1})]


def test_a_worker_makes_the_requeued_attempt_once_even_if_the_lost_task_turns_up(
    celery_worker, receiver
):
    delivery = _overdue(url=receiver.url, attempts=1)

    assert webhook_delivery_requeue_overdue() == 1
    wait_until(
        lambda: (
            WebhookDelivery.objects.get(pk=delivery.pk).status != WebhookDelivery.Status.PENDING
        ),
        timeout=60,
        message="the worker to make the requeued attempt",
    )
    delivery.refresh_from_db()
    late = tasks.deliver_webhook.apply(args=[delivery.pk], kwargs={"attempt": 2})

    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.SUCCEEDED, 2)
    assert late.result == "skipped" and len(receiver.received) == 1
