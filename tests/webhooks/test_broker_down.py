"""Deliveries of an event emitted while the Celery broker is down wait in the outbox, and are
queued once it is back: the event's write itself goes through."""

from datetime import timedelta

import pytest
from django.db import transaction

from cocreate.outbox.models import OutboxMessage
from cocreate.outbox.services import outbox_publish_due
from cocreate.webhooks.models import WebhookDelivery
from cocreate.webhooks.services import webhook_event_emit
from cocreate.webhooks.tasks import deliver_webhook
from tests.broker import queued_tasks
from tests.webhooks.conftest import pending_delivery


@pytest.mark.django_db(transaction=True)
def test_deliveries_emitted_while_the_broker_is_down_are_queued_once_it_is_back(own_broker):
    endpoint = pending_delivery("https://hooks.example/h").endpoint
    own_broker.stop()

    with transaction.atomic():
        webhook_event_emit(event="post.adopted", payload={"post": 8}, audience=[endpoint.owner])

    delivery = WebhookDelivery.objects.get(payload={"post": 8})
    assert OutboxMessage.objects.get().args == [delivery.pk]
    own_broker.start()
    assert outbox_publish_due(older_than=timedelta(0)) == 1
    assert queued_tasks(own_broker.url, "webhooks") == [
        (deliver_webhook.name, [delivery.pk], {"attempt": 1})
    ]
