from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from cocreate.notifications.models import Notification
from service_desk import services
from service_desk.models import Category, Priority, SlaState, Ticket, TicketEvent
from tests.factories.accounts import staff

pytestmark = pytest.mark.django_db
Status = Ticket.Status


def new_ticket(customer, product):
    return services.ticket_create(
        customer=customer,
        product=product,
        category=Category.TECHNICAL_SUPPORT,
        subject="Overheats",
        description="Gets hot while charging.",
    )


def test_on_track_then_at_risk_then_breached(alice, product, policies):
    ticket = new_ticket(alice, product)  # normal: first response within 4 h
    start = ticket.created_at

    services.sla_check(now=start + timedelta(hours=2))
    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.ON_TRACK

    services.sla_check(now=start + timedelta(hours=3, minutes=30))  # less than 25 % left
    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.AT_RISK

    result = services.sla_check(now=start + timedelta(hours=4, minutes=1))
    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.BREACHED
    assert result["breached"] == 1


def test_answering_brings_an_at_risk_ticket_back_on_track(alice, sam, product, policies):
    ticket = new_ticket(alice, product)
    services.sla_check(now=ticket.created_at + timedelta(hours=3, minutes=30))
    services.ticket_reply(ticket=ticket, author=sam, body="Looking into it")

    services.sla_check(now=ticket.created_at + timedelta(hours=3, minutes=40))

    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.ON_TRACK


def test_a_breach_is_escalated_once(alice, sam, product, policies):
    admin = staff(username="boss")
    ticket = new_ticket(alice, product)
    services.ticket_assign(ticket=ticket, actor=sam, assignee=sam)
    late = ticket.created_at + timedelta(hours=5)

    first = services.sla_check(now=late)
    second = services.sla_check(now=late + timedelta(minutes=5))

    assert first["escalated"] == 1 and second["escalated"] == 0
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.escalated_at is not None
    assert ticket.events.filter(kind=TicketEvent.Kind.ESCALATED).count() == 1
    for person in (sam, admin):
        assert (
            Notification.objects.filter(recipient=person, kind="ticket.sla_breached").count() == 1
        )
    assert not Notification.objects.filter(recipient=alice, kind="ticket.sla_breached").exists()


def test_paused_tickets_do_not_breach(alice, sam, product, policies):
    ticket = new_ticket(alice, product)
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.PENDING_CUSTOMER)

    services.sla_check(now=ticket.created_at + timedelta(days=5))

    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.ON_TRACK


def test_tickets_without_a_policy_never_breach(alice, product):
    ticket = new_ticket(alice, product)

    services.sla_check(now=timezone.now() + timedelta(days=30))

    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.ON_TRACK


def test_the_job_is_scheduled_and_runs_as_a_command(alice, product, policies):
    entry = settings.CELERY_BEAT_SCHEDULE["service-desk-sla-check"]
    assert entry["task"] == "service_desk.tasks.sla_check"
    ticket = new_ticket(alice, product)
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_due_at=timezone.now() - timedelta(minutes=1),
        first_response_warn_at=timezone.now() - timedelta(minutes=30),
    )

    call_command("sla_check")
    call_command("run_job", "service-desk-sla-check")

    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.BREACHED
    assert ticket.events.filter(kind=TicketEvent.Kind.SLA_BREACHED).count() == 1
