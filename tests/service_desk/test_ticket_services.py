from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.utils import InternalError

from cocreate.notifications.models import Notification
from service_desk import services
from service_desk.models import (
    Category,
    Priority,
    SlaState,
    Ticket,
    TicketAttachment,
    TicketEvent,
)
from tests.factories.products import RegistrationFactory
from tests.factories.service_desk import file_ticket
from tests.images import png_bytes

pytestmark = pytest.mark.django_db
Status = Ticket.Status

PNG = png_bytes()


def test_create_numbers_the_ticket_and_sets_sla_due_times(alice, product, policies):
    ticket = file_ticket(alice, product)

    assert ticket.number == f"T-{ticket.pk:06d}"
    assert ticket.status == Status.NEW
    assert ticket.sla_policy == policies[Priority.NORMAL]
    assert ticket.first_response_due_at - ticket.created_at == timedelta(hours=4)
    assert ticket.resolution_due_at - ticket.created_at == timedelta(days=2)
    assert "<strong>5 GHz</strong>" in ticket.description_html
    assert list(ticket.events.values_list("kind", flat=True)) == [TicketEvent.Kind.CREATED]


def test_a_category_policy_wins_over_the_general_one(alice, product, policies):
    from tests.factories.service_desk import SlaPolicyFactory

    logistics = SlaPolicyFactory(
        priority=Priority.NORMAL, category=Category.LOGISTICS, first_response_minutes=60
    )

    ticket = file_ticket(alice, product, category=Category.LOGISTICS)

    assert ticket.sla_policy == logistics
    assert ticket.first_response_due_at - ticket.created_at == timedelta(hours=1)


def test_bad_input_saves_nothing(alice, bob, product):
    someone_elses_unit = RegistrationFactory(customer=bob, product=product)
    exe = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")

    with pytest.raises(ValidationError) as error:
        file_ticket(
            alice,
            product,
            category="repair",
            registration=someone_elses_unit,
            attachments=[exe],
        )

    assert set(error.value.message_dict) == {"category", "registration", "attachments"}
    assert not Ticket.objects.exists()
    assert not TicketAttachment.objects.exists()


def test_attachments_are_stored_outside_media(alice, product, settings):
    ticket = file_ticket(
        alice, product, attachments=[SimpleUploadedFile("screen.png", PNG, "image/png")]
    )

    attachment = ticket.attachments.get()
    assert attachment.content_type == "image/png"
    path = attachment.file.path
    assert path.startswith(str(settings.SERVICE_DESK_ATTACHMENT_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))


def test_first_public_agent_reply_stamps_the_response_and_notifies_the_customer(
    alice, sam, product, policies
):
    ticket = file_ticket(alice, product)

    services.ticket_add_note(ticket=ticket, author=sam, body="Looks like the known 2.3 bug.")
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    assert not Notification.objects.filter(recipient=alice).exists()

    services.ticket_reply(ticket=ticket, author=sam, body="Please try firmware 2.4.")
    ticket.refresh_from_db()

    assert ticket.first_responded_at is not None
    assert ticket.status == Status.OPEN
    (notification,) = Notification.objects.filter(recipient=alice)
    assert notification.kind == "ticket.reply"
    assert ticket.number in notification.title
    assert "2.3 bug" not in notification.body


def test_customers_cannot_write_internal_notes(alice, product):
    ticket = file_ticket(alice, product)

    with pytest.raises(PermissionDenied):
        services.ticket_reply(ticket=ticket, author=alice, body="psst", internal=True)


def test_a_stranger_cannot_reply(alice, bob, product):
    ticket = file_ticket(alice, product)

    with pytest.raises(PermissionDenied):
        services.ticket_reply(ticket=ticket, author=bob, body="me too")


def test_customer_reply_notifies_the_assignee_and_resumes_a_paused_ticket(
    alice, sam, product, policies
):
    ticket = file_ticket(alice, product)
    services.ticket_assign(ticket=ticket, actor=sam, assignee=sam)
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.PENDING_CUSTOMER)

    services.ticket_reply(ticket=ticket, author=alice, body="Firmware 2.4 did not help.")

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.paused_at is None
    assert Notification.objects.filter(recipient=sam, kind="ticket.customer_reply").count() == 1


def test_assignment_notifies_the_new_assignee_but_not_oneself(alice, sam, tina, product):
    ticket = file_ticket(alice, product)

    services.ticket_assign(ticket=ticket, actor=sam, assignee=sam)
    services.ticket_assign(ticket=ticket, actor=sam, assignee=tina)

    assert not Notification.objects.filter(recipient=sam).exists()
    assert Notification.objects.filter(recipient=tina, kind="ticket.assigned").count() == 1
    assert ticket.events.filter(kind=TicketEvent.Kind.ASSIGNEE).count() == 2


def test_only_agents_can_be_assigned(alice, bob, sam, product):
    ticket = file_ticket(alice, product)

    with pytest.raises(ValidationError):
        services.ticket_assign(ticket=ticket, actor=sam, assignee=bob)


def test_invalid_transition_is_refused(alice, sam, product):
    ticket = file_ticket(alice, product)
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.CLOSED)

    with pytest.raises(ValidationError) as error:
        services.ticket_change_status(ticket=ticket, actor=sam, status=Status.RESOLVED)

    assert "status" in error.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_status_change_notifies_the_customer_and_is_audited(alice, sam, product):
    ticket = file_ticket(alice, product)

    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.RESOLVED)

    ticket.refresh_from_db()
    assert ticket.resolved_at is not None
    assert Notification.objects.filter(recipient=alice, kind="ticket.status").count() == 1
    event = ticket.events.get(kind=TicketEvent.Kind.STATUS)
    assert (event.old_value, event.new_value, event.actor) == ("New", "Resolved", sam)


def test_waiting_for_the_customer_pauses_the_sla_clock(alice, sam, product, policies):
    ticket = file_ticket(alice, product)
    due = ticket.resolution_due_at
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.PENDING_CUSTOMER)
    # Three hours pass while the customer looks for the receipt.
    Ticket.objects.filter(pk=ticket.pk).update(paused_at=ticket.created_at - timedelta(hours=3))

    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.OPEN)

    ticket.refresh_from_db()
    assert ticket.paused_at is None
    assert 3 * 3600 - 5 <= ticket.paused_seconds <= 3 * 3600 + 60
    assert timedelta(hours=3) <= ticket.resolution_due_at - due <= timedelta(hours=3, minutes=1)


def test_customer_may_only_close_or_reopen(alice, product):
    ticket = file_ticket(alice, product)

    with pytest.raises(PermissionDenied):
        services.ticket_change_status(ticket=ticket, actor=alice, status=Status.RESOLVED)

    services.ticket_change_status(ticket=ticket, actor=alice, status=Status.CLOSED)
    services.ticket_change_status(ticket=ticket, actor=alice, status=Status.OPEN)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.closed_at is None
    # Their own changes do not notify them.
    assert not Notification.objects.filter(recipient=alice).exists()


def test_reopening_is_limited_in_time(alice, sam, product, settings):
    settings.SERVICE_DESK_REOPEN_DAYS = 14
    ticket = file_ticket(alice, product)
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.RESOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=ticket.created_at - timedelta(days=15))

    with pytest.raises(services.TicketConflict):
        services.ticket_change_status(ticket=ticket, actor=alice, status=Status.OPEN)
    with pytest.raises(services.TicketConflict):
        services.ticket_reply(ticket=ticket, author=alice, body="It is back!")

    # Agents still can.
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.OPEN)


def test_rating_only_once_and_only_when_resolved(alice, bob, sam, product):
    ticket = file_ticket(alice, product)

    with pytest.raises(services.TicketConflict):
        services.ticket_rate(ticket=ticket, customer=alice, score=5)

    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.RESOLVED)
    with pytest.raises(PermissionDenied):
        services.ticket_rate(ticket=ticket, customer=bob, score=1)
    with pytest.raises(ValidationError):
        services.ticket_rate(ticket=ticket, customer=alice, score=6)
    services.ticket_rate(ticket=ticket, customer=alice, score=4, comment="Quick and kind.")
    with pytest.raises(services.TicketConflict):
        services.ticket_rate(ticket=ticket, customer=alice, score=1)

    ticket.refresh_from_db()
    assert (ticket.csat_score, ticket.csat_comment) == (4, "Quick and kind.")


def test_priority_change_moves_the_sla_targets(alice, sam, product, policies):
    ticket = file_ticket(alice, product)

    ticket = services.ticket_update(ticket=ticket, actor=sam, priority=Priority.URGENT)

    assert ticket.sla_policy == policies[Priority.URGENT]
    assert ticket.first_response_due_at - ticket.created_at == timedelta(minutes=30)
    assert ticket.events.filter(kind=TicketEvent.Kind.PRIORITY).exists()


def test_customers_cannot_change_priority(alice, product):
    ticket = file_ticket(alice, product)

    with pytest.raises(PermissionDenied):
        services.ticket_update(ticket=ticket, actor=alice, priority=Priority.URGENT)


def test_audit_history_is_append_only(alice, product):
    ticket = file_ticket(alice, product)
    event = ticket.events.get()

    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE service_desk_ticketevent SET kind = 'x' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.kind == TicketEvent.Kind.CREATED


def test_sla_state_is_breached_when_resolved_late(alice, sam, product, policies):
    ticket = file_ticket(alice, product)
    Ticket.objects.filter(pk=ticket.pk).update(
        resolution_due_at=ticket.created_at - timedelta(minutes=1),
        first_responded_at=ticket.created_at,
    )

    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.RESOLVED)

    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.BREACHED
    assert ticket.sla_breached_at is not None


def test_a_customer_reopening_tells_the_assignee(alice, sam, product):
    ticket = file_ticket(alice, product)
    services.ticket_assign(ticket=ticket, actor=sam, assignee=sam)
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.RESOLVED)

    services.ticket_change_status(ticket=ticket, actor=alice, status=Status.OPEN)

    assert Notification.objects.filter(recipient=sam, kind="ticket.reopened").count() == 1
