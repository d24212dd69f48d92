"""Take-next hands each ticket to exactly one agent, even when agents click at the same time."""

from collections import Counter

import pytest

from service_desk.models import Priority, Ticket, TicketEvent
from service_desk.services import ticket_take_next
from tests.concurrency import run_at_once
from tests.factories.accounts import agent
from tests.factories.service_desk import TicketFactory


@pytest.mark.django_db
def test_takes_the_most_urgent_unassigned_ticket_first():
    sam = agent()
    low = TicketFactory(priority=Priority.LOW)
    urgent = TicketFactory(priority=Priority.URGENT)
    TicketFactory(priority=Priority.URGENT, assignee=agent())
    TicketFactory(priority=Priority.URGENT, status=Ticket.Status.PENDING_CUSTOMER)

    assert ticket_take_next(agent=sam) == urgent
    assert ticket_take_next(agent=sam) == low
    assert ticket_take_next(agent=sam) is None


@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_concurrently_never_get_the_same_ticket():
    agents = [agent(username="racer_a"), agent(username="racer_b")]
    TicketFactory.create_batch(80)
    taken: dict[str, list[int]] = {agent.username: [] for agent in agents}

    def work(me):
        for _ in range(50):
            ticket = ticket_take_next(agent=me)
            if ticket is not None:
                taken[me.username].append(ticket.pk)

    _, errors = run_at_once([lambda me=me: work(me) for me in agents])

    assert not errors
    all_taken = taken["racer_a"] + taken["racer_b"]
    assert len(all_taken) == 80  # 100 attempts, 80 tickets: every ticket taken …
    assert len(set(all_taken)) == 80  # … and none twice
    assert not Ticket.objects.filter(assignee__isnull=True).exists()
    assignments = Counter(
        TicketEvent.objects.filter(kind=TicketEvent.Kind.ASSIGNEE).values_list("ticket", flat=True)
    )
    assert set(assignments.values()) == {1}
    assert taken["racer_a"] and taken["racer_b"]  # both really ran at the same time
