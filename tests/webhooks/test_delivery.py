"""One delivery attempt: what counts as a failure, backoff, giving up, and why a duplicate task
or a slow receiver cannot make an attempt twice or hold the delivery's row."""

from datetime import datetime, timedelta

import pytest
from celery.signals import before_task_publish
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cocreate.webhooks.models import WebhookDelivery
from cocreate.webhooks.services import retry_delay, webhook_delivery_attempt
from cocreate.webhooks.tasks import deliver_webhook
from tests.waiting import wait_until
from tests.webhooks.conftest import pending_delivery

PENDING, SUCCEEDED, FAILED = (
    WebhookDelivery.Status.PENDING,
    WebhookDelivery.Status.SUCCEEDED,
    WebhookDelivery.Status.FAILED,
)


@pytest.mark.django_db
def test_a_garbage_answer_is_a_failed_attempt_to_retry(garbage_receiver, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    delivery = pending_delivery(garbage_receiver.url)
    before = timezone.now()

    result = webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1)

    delivery.refresh_from_db()
    assert result is not None and garbage_receiver.connections == 1
    assert (delivery.status, delivery.attempts, delivery.response_status) == (PENDING, 1, None)
    assert delivery.last_error.startswith("BadStatusLine")
    assert before + timedelta(seconds=30) <= delivery.next_attempt_at
    assert delivery.next_attempt_at <= timezone.now() + timedelta(seconds=30)


@pytest.mark.django_db
def test_the_task_gives_up_after_the_last_attempt_and_retries_no_more(garbage_receiver, settings):
    # An eagerly applied task runs its retries at once, one after another.
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    delivery = pending_delivery(garbage_receiver.url)

    outcome = deliver_webhook.apply(args=[delivery.pk], kwargs={"attempt": 1})

    delivery.refresh_from_db()
    assert outcome.result == "failed"
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (FAILED, 3, None)
    assert delivery.last_error.startswith("BadStatusLine")
    assert garbage_receiver.connections == 3
    again = deliver_webhook.apply(args=[delivery.pk], kwargs={"attempt": 4}, throw=True)
    assert again.result == "skipped" and garbage_receiver.connections == 3


@pytest.mark.django_db
def test_an_error_status_is_retried_and_a_2xx_ends_the_delivery(receiver):
    receiver.statuses = [503, 200]
    delivery = pending_delivery(receiver.url)

    first = webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1)
    second = webhook_delivery_attempt(delivery_id=delivery.pk, attempt=2)

    assert (first.status, first.response_status) == (PENDING, 503)
    assert (second.status, second.response_status, second.attempts) == (SUCCEEDED, 200, 2)
    assert second.delivered_at is not None and second.next_attempt_at is None


@pytest.mark.django_db
def test_a_refused_connection_is_a_failed_attempt(receiver):
    url = receiver.url
    receiver.shutdown()
    receiver.server_close()
    delivery = pending_delivery(url)

    webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (PENDING, 1)
    assert delivery.last_error.startswith("ConnectionRefusedError")


@pytest.mark.django_db
def test_a_refused_target_fails_at_once(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    delivery = pending_delivery("https://127.0.0.1/hook")

    webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (FAILED, 1)
    assert "private" in delivery.last_error


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 30), (2, 60), (3, 120), (4, 240), (5, 480)])
def test_the_retry_delay_doubles_after_each_failed_attempt(settings, attempts, seconds):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30

    assert retry_delay(attempts) == seconds


@pytest.mark.django_db
def test_an_attempt_already_made_is_not_made_again(receiver):
    delivery = pending_delivery(receiver.url)
    webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1)

    duplicate = webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1)
    task = deliver_webhook.apply(args=[delivery.pk], kwargs={"attempt": 1}, throw=True)

    assert duplicate is None and task.result == "skipped"
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_an_attempt_out_of_turn_is_not_made(receiver):
    delivery = pending_delivery(receiver.url)

    assert webhook_delivery_attempt(delivery_id=delivery.pk, attempt=2) is None
    assert receiver.received == []


@pytest.mark.django_db(transaction=True)
def test_the_row_is_not_locked_while_the_request_runs(receiver):
    delivery = pending_delivery(receiver.url)
    seen = {}

    def during_the_request(_headers):
        # Another connection (this server thread's): the claim is committed, the row is free,
        # and a duplicate task for the same attempt does nothing, at once.
        try:
            with transaction.atomic():
                row = WebhookDelivery.objects.select_for_update(nowait=True).get(pk=delivery.pk)
                seen["attempts"] = row.attempts
            seen["locked"] = False
        except DatabaseError:
            seen["locked"] = True
        seen["duplicate"] = webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1)
        connection.close()

    receiver.on_request = during_the_request

    result = webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1)

    assert seen == {"attempts": 1, "locked": False, "duplicate": None}
    assert result.status == SUCCEEDED and len(receiver.received) == 1


def test_a_worker_schedules_the_next_attempt_for_when_it_is_due(
    celery_worker, garbage_receiver, settings
):
    # A retry far off, so the test sees it queued (through Celery's own publish signal) and
    # never run.
    settings.WEBHOOK_RETRY_BASE_SECONDS = 3600
    delivery = pending_delivery(garbage_receiver.url)
    published = []

    def record(headers=None, body=None, **_kwargs):
        if headers["task"] == deliver_webhook.name:
            published.append((headers["eta"], list(body[0]), body[1]))

    before_task_publish.connect(record, weak=False)
    try:
        deliver_webhook.delay(delivery.pk, attempt=1)
        wait_until(
            lambda: len(published) >= 2,
            timeout=60,
            message="the worker to publish the attempt's retry",
        )
    finally:
        before_task_publish.disconnect(record)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, garbage_receiver.connections) == (PENDING, 1, 1)
    [(eta, args, kwargs)] = published[1:]
    assert (args, kwargs) == ([delivery.pk], {"attempt": 2})
    assert datetime.fromisoformat(eta) == delivery.next_attempt_at
