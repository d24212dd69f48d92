"""Ticket numbers: "T-" and the id with at least six digits, never cut, past a million too."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from service_desk.models import Ticket, ticket_number
from service_desk.selectors import QueueFilters, ticket_queue
from tests.factories.service_desk import file_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_ticket_id():
    """Sets the id the next ticket gets; puts the sequence back afterwards (a rollback does not)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('service_desk_ticket', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
        last_value, is_called = cursor.fetchone()

    def set_next(next_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s, false)", [sequence, next_id])

    yield set_next
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(%s, %s, %s)", [sequence, last_value, is_called])


def test_numbers_keep_every_digit_past_the_millionth_ticket(alice, product, next_ticket_id):
    # Given the 100,000th ticket, T-100000
    next_ticket_id(100_000)
    hundred_thousandth = file_ticket(alice, product)
    # When tickets past the millionth are filed (T-1000001 used to be cut to T-100000)
    next_ticket_id(1_000_001)
    first = file_ticket(alice, product, subject="Speaker hums")
    second = file_ticket(alice, product, subject="Screen flickers")

    # Then each keeps its own number, as the Python side computes it too
    assert hundred_thousandth.number == "T-100000"
    assert (first.number, second.number) == ("T-1000001", "T-1000002")
    assert first.number == ticket_number(first.pk)
    assert ticket_number(42) == "T-000042"


def test_a_seven_digit_number_is_found_in_pages_api_and_search(
    client, alice, sam, product, next_ticket_id
):
    # Given a ticket past the millionth
    next_ticket_id(1_234_567)
    ticket = file_ticket(alice, product)

    # When its customer and an agent look it up by number
    client.force_login(alice)
    page = client.get(ticket.get_absolute_url())
    api = APIClient()
    api.force_authenticate(alice)
    detail = api.get(f"/api/v1/tickets/{ticket.number}/")

    # Then the page, the API and the desk's number search all find it
    assert ticket.get_absolute_url() == "/support/tickets/T-1234567/"
    assert page.status_code == 200
    assert detail.status_code == 200 and detail.json()["number"] == "T-1234567"
    for query in ("T-1234567", "t-1234567", "T1234567"):
        assert list(ticket_queue(QueueFilters(q=query), viewer=sam)) == [ticket]
    client.force_login(sam)
    assert client.get(reverse("service_desk:desk_ticket", args=[ticket.number])).status_code == 200


def test_scale_data_past_a_million_tickets_is_numbered_like_filed_tickets(next_ticket_id):
    # Given the ticket ids of the scale data start just before one million
    next_ticket_id(999_995)

    # When generate_scale copies tickets in bulk (the database computes their numbers)
    call_command("generate_scale", users=10, tickets=12, stdout=io.StringIO())

    # Then they carry every digit, and the unique constraint it rebuilt holds
    rows = list(Ticket.objects.order_by("id").values_list("id", "number"))
    assert rows[0][0] == 999_995 and rows[-1][0] == 1_000_006
    assert all(number == ticket_number(pk) for pk, number in rows)
    assert rows[5][1] == "T-1000000"
