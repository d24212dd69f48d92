"""The services the desk page and the API share for changes made together: every one or none."""

import pytest
from django.core.exceptions import ValidationError

from cocreate.notifications.models import Notification
from service_desk import services
from service_desk.models import Category, Priority, Ticket, TicketEvent
from tests.factories.service_desk import file_ticket

pytestmark = pytest.mark.django_db
Status = Ticket.Status


def test_an_edit_makes_each_change_with_its_history_and_notification(alice, sam, tina, product):
    ticket = file_ticket(alice, product)

    saved = services.ticket_edit(
        ticket=ticket,
        actor=sam,
        priority=Priority.HIGH,
        category=Category.UPGRADE_MAINTENANCE,
        assignee=tina,
        status=Status.OPEN,
    )

    assert (saved.priority, saved.assignee, saved.status) == (Priority.HIGH, tina, Status.OPEN)
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.category, ticket.assignee, ticket.status) == (
        Priority.HIGH,
        Category.UPGRADE_MAINTENANCE,
        tina,
        Status.OPEN,
    )
    assert list(ticket.events.order_by("id").values_list("kind", flat=True)) == [
        TicketEvent.Kind.CREATED,
        TicketEvent.Kind.PRIORITY,
        TicketEvent.Kind.CATEGORY,
        TicketEvent.Kind.ASSIGNEE,
        TicketEvent.Kind.STATUS,
    ]
    assert Notification.objects.filter(recipient=tina, kind="ticket.assigned").count() == 1
    assert Notification.objects.filter(recipient=alice, kind="ticket.status").count() == 1


def test_an_edit_whose_status_is_refused_saves_none_of_it(alice, sam, tina, product):
    ticket = file_ticket(alice, product)
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.CLOSED)
    events_before = ticket.events.count()
    notifications_before = Notification.objects.count()

    with pytest.raises(ValidationError) as refused:
        services.ticket_edit(
            ticket=ticket,
            actor=sam,
            priority=Priority.URGENT,
            assignee=tina,
            status=Status.PENDING_CUSTOMER,
        )

    assert "status" in refused.value.message_dict
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee, ticket.status) == (
        Priority.NORMAL,
        None,
        Status.CLOSED,
    )
    assert ticket.events.count() == events_before
    assert Notification.objects.count() == notifications_before


def test_an_edit_leaves_what_it_is_not_given(alice, sam, tina, product):
    ticket = file_ticket(alice, product)
    services.ticket_assign(ticket=ticket, actor=sam, assignee=tina)

    services.ticket_edit(ticket=ticket, actor=sam, status=Status.OPEN)

    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.priority, ticket.status) == (tina, Priority.NORMAL, Status.OPEN)


def test_an_edit_may_leave_the_ticket_to_nobody(alice, sam, tina, product):
    ticket = file_ticket(alice, product)
    services.ticket_assign(ticket=ticket, actor=sam, assignee=tina)

    services.ticket_edit(ticket=ticket, actor=sam, assignee=None)

    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_an_answer_sets_the_status_it_asks_for(alice, sam, product):
    ticket = file_ticket(alice, product)

    services.ticket_answer(
        ticket=ticket, author=sam, body="Fixed in 2.1.", then_status=Status.RESOLVED
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert ticket.messages.get().body == "Fixed in 2.1."


def test_an_answer_whose_status_is_refused_keeps_no_reply(alice, sam, product):
    ticket = file_ticket(alice, product)
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.CLOSED)
    notifications_before = Notification.objects.count()

    with pytest.raises(ValidationError):
        services.ticket_answer(ticket=ticket, author=sam, body="Fixed", then_status=Status.RESOLVED)

    assert not ticket.messages.exists()
    assert Notification.objects.count() == notifications_before


def test_an_internal_note_leaves_the_status_alone(alice, sam, product):
    ticket = file_ticket(alice, product)

    services.ticket_answer(
        ticket=ticket, author=sam, body="Ask the lab.", internal=True, then_status=Status.RESOLVED
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert ticket.messages.get().internal
