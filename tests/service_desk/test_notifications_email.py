"""Notifications leave by e-mail through the real Celery worker, after the reply is committed."""

from django.core import mail

from service_desk import services
from service_desk.models import Category
from tests.factories.accounts import agent, customer
from tests.factories.products import ProductFactory
from tests.waiting import wait_until


def test_an_agent_reply_reaches_the_customer_by_email(celery_worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner, sam = customer(username="mail_customer"), agent(username="mail_agent")
    ticket = services.ticket_create(
        customer=owner,
        product=ProductFactory(),
        category=Category.CONSULTATION,
        subject="Which case fits?",
        description="Looking for a case.",
    )

    services.ticket_add_note(ticket=ticket, author=sam, body="Internal only")
    services.ticket_reply(ticket=ticket, author=sam, body="The slim case fits.")

    wait_until(lambda: mail.outbox, timeout=60, message="the worker to send the customer's e-mail")
    assert [message.to for message in mail.outbox] == [["mail_customer@example.com"]]
    assert ticket.number in mail.outbox[0].subject
    assert "The slim case fits." in mail.outbox[0].body
    assert "Internal only" not in mail.outbox[0].body
