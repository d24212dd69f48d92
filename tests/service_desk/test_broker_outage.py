"""A reply written while the Celery broker is down is saved, answered at once, and its e-mail
reaches the customer once the broker is back.

The broker is a Redis server of the test's own, stopped and started by the test; the e-mail goes
to a real SMTP server; a real Celery worker sends it."""

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker

from cocreate.celery import app as celery_app
from cocreate.notifications.tasks import send_notification_emails
from cocreate.outbox.models import OutboxMessage
from cocreate.outbox.services import outbox_publish_due
from service_desk import services
from service_desk.models import Category, TicketMessage
from tests.factories.accounts import agent, customer
from tests.factories.products import ProductFactory
from tests.waiting import wait_until


@pytest.mark.django_db(transaction=True)
def test_an_agent_reply_during_a_broker_outage_is_saved_and_its_email_follows(
    client, own_broker, smtp_sink
):
    # Given a ticket, its agent signed in on the desk, and the broker down
    owner, sam = customer(username="outage_customer"), agent(username="outage_agent")
    ticket = services.ticket_create(
        customer=owner,
        product=ProductFactory(),
        category=Category.CONSULTATION,
        subject="Which case fits?",
        description="Looking for a case.",
    )
    client.force_login(sam)
    own_broker.stop()

    # When the agent replies
    response = client.post(ticket.get_desk_url(), {"form": "reply", "body": "The slim case fits."})

    # Then the reply is saved and the agent sent on, its e-mail waiting in the outbox
    assert response.status_code == 302
    assert TicketMessage.objects.filter(ticket=ticket, body="The slim case fits.").exists()
    assert OutboxMessage.objects.filter(task=send_notification_emails.name).count() == 1

    # When the broker is back and a worker runs, with the outbox swept (beat's job, done now
    # rather than after SWEEP_AFTER)
    own_broker.start()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert outbox_publish_due(older_than=timedelta(0)) >= 1
        wait_until(lambda: smtp_sink.to(owner.email), timeout=60, message="the customer's e-mail")

    # Then the customer got the reply by e-mail, once, and nothing waits any more
    (message,) = smtp_sink.to(owner.email)
    assert ticket.number in message["Subject"]
    assert "The slim case fits." in message.get_payload(decode=True).decode()
    assert not OutboxMessage.objects.exists()
