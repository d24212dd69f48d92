"""Celery's queues: every task is placed on one of four queues on purpose, and what the outbox
publishes waits in its task's queue on the real broker (docs/background_jobs.md)."""

import pytest
from django.conf import settings
from django.db import transaction

from cocreate.celery import app as celery_app
from cocreate.outbox.services import outbox_enqueue
from tests.broker import QUEUES, queue_lengths, queued_tasks


def _our_tasks() -> list[str]:
    celery_app.loader.import_default_modules()  # what a worker imports: every app's tasks.py
    return sorted(name for name in celery_app.tasks if not name.startswith("celery."))


def test_every_task_has_a_route_of_its_own_to_one_of_the_four_queues():
    # A new task fails here until it is placed in CELERY_TASK_ROUTES: no task falls to a queue
    # by accident.
    tasks = _our_tasks()
    assert len(tasks) > 20
    unplaced = [name for name in tasks if name not in settings.CELERY_TASK_ROUTES]
    assert unplaced == []
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} == set(QUEUES)
    stale = set(settings.CELERY_TASK_ROUTES) - set(tasks)
    assert stale == set()


def test_the_router_sends_each_kind_of_work_to_its_queue():
    def queue_of(name: str) -> str:
        return celery_app.amqp.router.route({}, name)["queue"].name

    assert {name: queue_of(name) for name in _our_tasks()} == {
        name: route["queue"] for name, route in settings.CELERY_TASK_ROUTES.items()
    }
    assert queue_of("designers.tasks.surface_popular") == "surfacing"
    assert queue_of("designers.tasks.weekly_digest") == "surfacing"
    assert queue_of("cocreate.notifications.tasks.send_notification_emails") == "email"
    assert queue_of("partners.tasks.send_invitation_email") == "email"
    assert queue_of("cocreate.webhooks.tasks.deliver_webhook") == "webhooks"
    assert queue_of("service_desk.tasks.sla_check") == "default"
    assert celery_app.conf.task_default_queue == "default"


def test_each_queue_has_a_routing_key_of_its_own():
    # One shared routing key would bind every queue to it: a task would be copied into all four.
    queues = celery_app.amqp.queues
    assert sorted(queues) == sorted(QUEUES)
    assert len({(queues[name].exchange.name, queues[name].routing_key) for name in QUEUES}) == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("cocreate.notifications.tasks.send_notification_emails", "email"),
        ("cocreate.webhooks.tasks.deliver_webhook", "webhooks"),
        ("designers.tasks.surface_popular", "surfacing"),
        ("cocreate.core.tasks.clear_expired_sessions", "default"),
    ],
)
def test_what_the_outbox_publishes_waits_in_its_tasks_queue(own_broker, task, queue):
    with transaction.atomic():
        outbox_enqueue(task, 5)

    assert queue_lengths(own_broker.url) == {name: int(name == queue) for name in QUEUES}
    assert queued_tasks(own_broker.url, queue) == [(task, [5], {})]


@pytest.mark.django_db(transaction=True)
def test_a_task_sent_with_delay_waits_in_its_queue_too(own_broker):
    from cocreate.notifications.tasks import send_notification_emails

    send_notification_emails.delay([3])

    assert queue_lengths(own_broker.url) == {name: int(name == "email") for name in QUEUES}
