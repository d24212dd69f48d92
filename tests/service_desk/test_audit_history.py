"""The audit history is append-only in the database: no update, no deletion of single events, and
the people it names stay (PROTECT); deleting a whole ticket takes its history with it."""

import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from cocreate.accounts import seed as accounts_seed
from products import seed as products_seed
from service_desk import seed as desk_seed
from service_desk import services
from service_desk.models import Ticket, TicketEvent
from tests.factories.accounts import agent, staff
from tests.factories.service_desk import file_ticket

pytestmark = pytest.mark.django_db


def check_deferred_constraints():
    """What COMMIT would check: the deferred DELETE trigger runs here."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_an_agent_in_the_history_cannot_be_deleted(alice, product):
    # Given an agent who only took a ticket (no message: the history alone names them)
    taker = agent(username="taker")
    ticket = file_ticket(alice, product)
    services.ticket_take_next(agent=taker)

    # When someone deletes the account, Then it is refused and the history still names them
    with pytest.raises(ProtectedError), transaction.atomic():
        taker.delete()
    assert ticket.events.filter(actor=taker).exists()


def test_the_admin_explains_why_an_agent_cannot_be_deleted(client, alice, product):
    # Given an agent who changed a ticket's status, and staff in the admin
    taker = agent(username="taker")
    ticket = file_ticket(alice, product)
    services.ticket_change_status(ticket=ticket, actor=taker, status=Ticket.Status.OPEN)
    client.force_login(staff(username="root"))
    url = reverse("admin:accounts_user_delete", args=[taker.pk])

    # When staff confirm the deletion (this was an InternalError, a 500)
    response = client.post(url, {"post": "yes"})

    # Then the admin refuses and lists the history lines in the way
    html = response.content.decode()
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in html
    assert f"{ticket.number} · Status changed" in html
    assert type(taker).objects.filter(pk=taker.pk).exists()


def test_single_events_cannot_be_deleted(alice, product):
    # Given a ticket and its history
    ticket = file_ticket(alice, product)
    event = ticket.events.get()

    # When one line is deleted, Then the commit refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketEvent.objects.filter(pk=event.pk).delete()
        check_deferred_constraints()
    assert TicketEvent.objects.filter(pk=event.pk).exists()


def test_deleting_a_ticket_removes_its_history_with_it(alice, sam, product):
    # Given a ticket with a few lines of history
    ticket = file_ticket(alice, product)
    services.ticket_reply(ticket=ticket, author=sam, body="On it.")
    assert ticket.events.count() >= 2

    # When the ticket is deleted (Django deletes its events first, then the ticket)
    with transaction.atomic():
        ticket.delete()
        check_deferred_constraints()

    # Then nothing of it is left
    assert not TicketEvent.objects.filter(ticket_id=ticket.pk).exists()


def test_the_demo_seed_writes_each_event_once():
    # Given the demo accounts and catalog
    out = io.StringIO()
    accounts_seed.seed(out)
    products_seed.seed(out)

    # When the service desk's demo tickets are told
    desk_seed.seed(out)

    # Then no history line was deleted or rewritten on the way (the commit would refuse it)
    check_deferred_constraints()
    ticket = Ticket.objects.get(subject="Fan grinding noise under load")
    times = list(ticket.events.order_by("id").values_list("created_at", flat=True))
    assert times == sorted(times)
    assert times[0] == ticket.created_at
    assert ticket.messages.order_by("id").first().created_at > ticket.created_at
