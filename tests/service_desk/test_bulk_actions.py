"""Bulk actions from the queue: each ticket changed by the usual services in its own
transaction (its own history lines and notifications, its own refusal), a few in the request,
many by the Celery job, never twice to a ticket."""

import pytest
from django.urls import reverse

from cocreate.notifications.models import Notification
from service_desk import services
from service_desk.models import (
    BulkAction,
    BulkActionItem,
    Macro,
    Priority,
    Ticket,
    TicketEvent,
)
from tests.factories.accounts import agent, staff
from tests.factories.products import ProductFactory, RegistrationFactory
from tests.factories.service_desk import TicketFactory
from tests.waiting import wait_until

Status = Ticket.Status
START = reverse("service_desk:desk_bulk_start")


def run(client, tickets, change, **data):
    return client.post(START, {"tickets": [t.pk for t in tickets], "change": change, **data})


@pytest.mark.django_db
def test_a_few_tickets_are_assigned_in_the_request_each_with_its_history(client, sam, tina):
    tickets = TicketFactory.create_batch(3)
    untouched = TicketFactory()
    client.force_login(sam)

    response = run(client, tickets, f"assign:{tina.pk}")

    bulk = BulkAction.objects.get()
    assert response.url == bulk.get_absolute_url()
    assert (bulk.actor, bulk.action, bulk.total) == (sam, "assign", 3)
    assert bulk.parameters == {"assignee": tina.pk, "assignee_name": tina.public_name}
    assert (bulk.done_count, bulk.refused_count) == (3, 0) and bulk.finished
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.assignee == tina
        assert ticket.events.filter(kind=TicketEvent.Kind.ASSIGNEE, actor=sam).count() == 1
    assert Notification.objects.filter(recipient=tina, kind="ticket.assigned").count() == 3
    untouched.refresh_from_db()
    assert untouched.assignee is None
    page = client.get(response.url).content.decode()
    assert f"Assign to {tina.public_name}" in page and "3 tickets changed" in page


@pytest.mark.django_db
def test_a_ticket_that_cannot_take_the_status_is_refused_alone(client, sam):
    open_one, closed = TicketFactory(status=Status.OPEN), TicketFactory(status=Status.CLOSED)
    client.force_login(sam)

    run(client, [open_one, closed], f"status:{Status.PENDING_CUSTOMER}")

    bulk = BulkAction.objects.get()
    assert (bulk.done_count, bulk.refused_count) == (1, 1)
    open_one.refresh_from_db()
    closed.refresh_from_db()
    assert (open_one.status, closed.status) == (Status.PENDING_CUSTOMER, Status.CLOSED)
    refusal = bulk.items.get(state=BulkActionItem.State.REFUSED)
    assert refusal.ticket == closed
    assert refusal.message == "A Closed ticket cannot become Waiting for the customer."
    page = client.get(bulk.get_absolute_url()).content.decode()
    assert closed.get_desk_url() in page and refusal.message in page


@pytest.mark.django_db
def test_a_macro_is_applied_whole_or_not_at_all_to_each_ticket(client, sam, alice, product):
    macro = Macro.objects.create(
        title="Serial check",
        reply="Your unit {serial} is covered.",
        set_status=Status.PENDING_CUSTOMER,
        set_priority=Priority.HIGH,
    )
    with_unit = TicketFactory(
        product=product,
        customer=alice,
        registration=RegistrationFactory(customer=alice, product=product, serial_number="SN-1"),
    )
    without = TicketFactory(product=product)
    client.force_login(sam)

    run(client, [with_unit, without], f"macro:{macro.pk}")

    with_unit.refresh_from_db()
    without.refresh_from_db()
    assert (with_unit.status, with_unit.priority) == (Status.PENDING_CUSTOMER, Priority.HIGH)
    assert with_unit.messages.get().body == "Your unit SN-1 is covered."
    assert (without.status, without.priority, without.messages.count()) == (
        Status.NEW,
        Priority.NORMAL,
        0,
    )
    assert list(without.events.values_list("kind", flat=True)) == []
    assert "{serial}" in BulkActionItem.objects.get(ticket=without).message


@pytest.mark.django_db
def test_a_tag_and_a_priority_go_on_each_ticket(client, sam):
    tickets = TicketFactory.create_batch(2)
    client.force_login(sam)

    run(client, tickets, "tag", tag="Battery")
    run(client, tickets, f"priority:{Priority.URGENT}")

    for ticket in tickets:
        assert [tag.name for tag in ticket.tags.all()] == ["Battery"]
        ticket.refresh_from_db()
        assert ticket.priority == Priority.URGENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "extra", "message"),
    [
        ("", {}, "Choose what to do with the selected tickets."),
        ("explode:1", {}, "Unknown action."),
        ("status:sideways", {}, "Unknown status."),
        ("priority:x", {}, "Unknown priority."),
        ("macro:999999", {}, "This macro no longer exists or is switched off."),
        ("assign:ex_agent", {}, "Tickets can only be assigned to agents."),
        ("tag", {"tag": "!!"}, "is not a tag"),
    ],
)
def test_bad_input_is_named_and_nothing_is_applied(client, sam, change, extra, message):
    ticket = TicketFactory()
    client.force_login(sam)

    response = client.post(START, {"tickets": [ticket.pk], "change": change, **extra}, follow=True)

    assert response.status_code == 200
    assert message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert not BulkAction.objects.exists()
    assert not ticket.events.exists()


@pytest.mark.django_db
def test_no_ticket_selected_and_an_agent_no_longer_an_agent_are_refused(client, sam, tina):
    client.force_login(sam)
    response = client.post(START, {"change": "assign:me"}, follow=True)
    assert "Select at least one ticket." in response.content.decode()

    ticket = TicketFactory()
    tina.groups.clear()
    response = client.post(
        START, {"tickets": [ticket.pk], "change": f"assign:{tina.pk}"}, follow=True
    )
    assert "Tickets can only be assigned to agents." in response.content.decode()
    assert not BulkAction.objects.exists()


@pytest.mark.django_db
def test_a_macro_deleted_while_the_job_runs_refuses_the_rest_by_name(sam):
    macro = Macro.objects.create(title="Close politely", set_status=Status.RESOLVED)
    tickets = TicketFactory.create_batch(3)
    bulk = services.bulk_action_start(
        actor=sam,
        action="macro",
        parameters={"macro": macro.pk},
        ticket_ids=[t.pk for t in tickets],
    )
    macro.delete()

    services.bulk_action_work(bulk_action=bulk)

    assert set(bulk.items.values_list("state", "message")) == {
        ("refused", "The macro “Close politely” was deleted.")
    }
    assert not TicketEvent.objects.exists()


@pytest.mark.django_db
def test_running_the_job_again_never_applies_the_action_twice(sam):
    tickets = TicketFactory.create_batch(3)
    bulk = services.bulk_action_start(
        actor=sam, action="tag", parameters={"tag": "recall"}, ticket_ids=[t.pk for t in tickets]
    )
    assert services.bulk_action_work(bulk_action=bulk, limit=2) is True  # cut short midway

    services.bulk_action_work(bulk_action=bulk)  # delivered again: the rest only
    services.bulk_action_continue(bulk.pk)  # and once more, finished: nothing

    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.TAGGED).count() == 3
    bulk.refresh_from_db()
    assert (bulk.done_count, bulk.finished) == (3, True)


@pytest.mark.django_db
def test_the_action_page_is_its_agents_and_staffs(client, sam, tina):
    bulk = services.bulk_action_start(
        actor=sam, action="tag", parameters={"tag": "x"}, ticket_ids=[TicketFactory().pk]
    )
    client.force_login(tina)
    assert client.get(bulk.get_absolute_url()).status_code == 404
    client.force_login(sam)
    progress = reverse("service_desk:desk_bulk_progress", args=[bulk.pk])
    html = client.get(progress).content.decode()
    assert "0 of 1 done" in html and 'hx-trigger="every 1s"' in html


def test_thousands_of_matching_tickets_go_through_the_worker_once_each(client, celery_worker):
    sam = agent(username="bulk_sam")
    product, other = ProductFactory(slug="beacon"), ProductFactory(slug="other")
    customer = TicketFactory(product=product).customer
    Ticket.objects.bulk_create(
        [
            Ticket(
                customer=customer,
                product=product,
                category="technical_support",
                subject=f"Beacon {n}",
                description="x",
            )
            for n in range(2499)
        ]
    )
    elsewhere = TicketFactory(product=other)
    client.force_login(sam)

    response = client.post(
        START,
        {"all_matching": "1", "filters": "product=beacon&page=4", "change": "tag", "tag": "recall"},
    )

    bulk = BulkAction.objects.get()
    assert response.url == bulk.get_absolute_url()
    assert bulk.total == 2500 and not bulk.finished
    wait_until(
        lambda: BulkAction.objects.filter(pk=bulk.pk, finished_at__isnull=False).exists(),
        timeout=600,
        message="the worker to tag every matching ticket",
    )
    bulk.refresh_from_db()
    assert (bulk.done_count, bulk.refused_count) == (2500, 0)
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.TAGGED).count() == 2500
    assert not elsewhere.tags.exists()
    assert "2500 of 2500 done" in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_staff_read_who_ran_what_in_the_admin(client, sam):
    bulk = services.bulk_action_start(
        actor=sam, action="tag", parameters={"tag": "x"}, ticket_ids=[TicketFactory().pk]
    )
    client.force_login(staff(username="root"))

    changelist = client.get(reverse("admin:service_desk_bulkaction_changelist"))
    assert changelist.status_code == 200 and sam.username in changelist.content.decode()
    page = client.get(reverse("admin:service_desk_bulkaction_change", args=[bulk.pk]))
    assert page.status_code == 200
