from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from cocreate.notifications.models import Notification
from service_desk import services
from service_desk.models import Priority, SlaPolicy, SlaState, Ticket, TicketEvent
from service_desk.selectors import ticket_history
from tests.factories.accounts import staff
from tests.factories.service_desk import file_ticket

pytestmark = pytest.mark.django_db
Status = Ticket.Status


def test_on_track_then_at_risk_then_breached(alice, product, policies):
    ticket = file_ticket(alice, product)  # normal: first response within 4 h
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
    ticket = file_ticket(alice, product)
    services.sla_check(now=ticket.created_at + timedelta(hours=3, minutes=30))
    services.ticket_reply(ticket=ticket, author=sam, body="Looking into it")

    services.sla_check(now=ticket.created_at + timedelta(hours=3, minutes=40))

    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.ON_TRACK


def test_a_breach_is_escalated_once(alice, sam, product, policies):
    admin = staff(username="boss")
    ticket = file_ticket(alice, product)
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
    ticket = file_ticket(alice, product)
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.PENDING_CUSTOMER)

    services.sla_check(now=ticket.created_at + timedelta(days=5))

    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.ON_TRACK


def test_tickets_without_a_policy_never_breach(alice, product):
    SlaPolicy.objects.all().delete()  # the defaults of migration 0007 too
    ticket = file_ticket(alice, product)

    services.sla_check(now=timezone.now() + timedelta(days=30))

    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.ON_TRACK


def test_the_job_is_scheduled_and_runs_as_a_command(alice, product, policies):
    entry = settings.CELERY_BEAT_SCHEDULE["service-desk-sla-check"]
    assert entry["task"] == "service_desk.tasks.sla_check"
    ticket = file_ticket(alice, product)
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_due_at=timezone.now() - timedelta(minutes=1),
        first_response_warn_at=timezone.now() - timedelta(minutes=30),
    )

    call_command("sla_check")
    call_command("run_job", "service-desk-sla-check")

    ticket.refresh_from_db()
    assert ticket.sla_state == SlaState.BREACHED
    assert ticket.events.filter(kind=TicketEvent.Kind.SLA_BREACHED).count() == 1


def test_becoming_at_risk_is_written_once_in_the_history(alice, sam, product, policies):
    # Given a normal ticket (first answer within 4 h, warning when less than 25 % is left)
    ticket = file_ticket(alice, product)
    warned = ticket.created_at + timedelta(hours=3, minutes=30)

    # When the SLA job runs past the warning time, again, and once more after the breach
    first = services.sla_check(now=warned)
    again = services.sla_check(now=warned + timedelta(minutes=5))
    services.sla_check(now=ticket.created_at + timedelta(hours=5))

    # Then the history says once, internally and by no one, that it became at risk
    assert (first["at_risk"], again["at_risk"]) == (1, 0)
    (event,) = ticket.events.filter(kind=TicketEvent.Kind.SLA_AT_RISK)
    assert event.internal and event.actor is None
    assert ticket.events.filter(kind=TicketEvent.Kind.SLA_BREACHED).count() == 1


def test_at_risk_again_for_the_next_target_is_a_new_line(alice, sam, product, policies):
    # Given a ticket at risk of its first answer, then answered (back on track)
    ticket = file_ticket(alice, product)
    services.sla_check(now=ticket.created_at + timedelta(hours=3, minutes=30))
    services.ticket_reply(ticket=ticket, author=sam, body="Looking into it")
    services.sla_check(now=ticket.created_at + timedelta(hours=3, minutes=40))

    # When its resolution target (2 days) reaches its warning time
    services.sla_check(now=ticket.created_at + timedelta(hours=37))
    services.sla_check(now=ticket.created_at + timedelta(hours=38))

    # Then that change is written too, once
    assert ticket.events.filter(kind=TicketEvent.Kind.SLA_AT_RISK).count() == 2


def test_a_change_that_puts_a_ticket_at_risk_is_written_too(alice, sam, product, policies):
    # Given a normal ticket filed 25 minutes ago
    ticket = file_ticket(alice, product)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=ticket.created_at - timedelta(minutes=25))

    # When an agent makes it urgent (first answer within 30 min: less than 25 % left)
    ticket = services.ticket_update(ticket=ticket, actor=sam, priority=Priority.URGENT)
    services.sla_check()

    # Then it is at risk, and the history says so once
    assert ticket.sla_state == SlaState.AT_RISK
    assert ticket.events.filter(kind=TicketEvent.Kind.SLA_AT_RISK).count() == 1


def test_customers_do_not_see_sla_lines(alice, product, policies):
    ticket = file_ticket(alice, product)
    services.sla_check(now=ticket.created_at + timedelta(hours=3, minutes=30))

    kinds = {event.kind for event in ticket_history(ticket, include_internal=False)}
    assert TicketEvent.Kind.SLA_AT_RISK not in kinds


@pytest.mark.parametrize(
    ("fraction", "state"), [(0.25, SlaState.ON_TRACK), (0.5, SlaState.AT_RISK)]
)
def test_the_warning_share_is_the_setting(alice, product, policies, settings, fraction, state):
    # Given the share of a target's time left at which a ticket is at risk
    settings.SERVICE_DESK_SLA_WARN_FRACTION = fraction
    ticket = file_ticket(alice, product)  # first answer within 4 h

    # When the job runs with 1 h 50 min left (less than half, more than a quarter)
    services.sla_check(now=ticket.created_at + timedelta(hours=2, minutes=10))

    # Then the warning time and the state follow the setting
    ticket.refresh_from_db()
    assert ticket.first_response_warn_at == ticket.created_at + timedelta(hours=4 * (1 - fraction))
    assert ticket.sla_state == state
