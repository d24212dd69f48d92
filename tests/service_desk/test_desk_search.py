"""The desk's search finds the conversation: replies, internal notes (agents only), the
customer's name and e-mail and the serial of the registered unit, Chinese included, ranked."""

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from cocreate.accounts.services import account_delete
from service_desk import selectors, services
from service_desk.consistency import CHECKS
from service_desk.models import Ticket, TicketMessage, TicketSearchDocument
from tests.factories.accounts import customer
from tests.factories.products import RegistrationFactory
from tests.factories.service_desk import TicketFactory, file_ticket

pytestmark = pytest.mark.django_db


def found(q: str, viewer) -> list[str]:
    """Subjects the queue lists for `q` (every status), best match first."""
    filters = selectors.QueueFilters(q=q, include_done=True)
    return [ticket.subject for ticket in selectors.ticket_queue(filters, viewer=viewer)]


def api_subjects(user, q: str) -> list[str]:
    api = APIClient()
    api.force_authenticate(user)
    response = api.get("/api/v1/tickets/", {"q": q})
    assert response.status_code == 200
    return [row["subject"] for row in response.json()["results"]]


@pytest.fixture
def conversation(alice, bob, sam, product):
    """Alice's ticket with a reply of hers, the agent's answer and an internal note; Bob's
    ticket says nothing of it."""
    ticket = file_ticket(alice, product, subject="Router reboots", description="Every night.")
    services.ticket_reply(ticket=ticket, author=alice, body="The fan makes a grinding noise.")
    services.ticket_reply(ticket=ticket, author=sam, body="Please send us the diagnostics log.")
    services.ticket_add_note(ticket=ticket, author=sam, body="Suspect a counterfeit capacitor.")
    file_ticket(bob, product, subject="Slow Wi-Fi", description="Upstairs only.")
    return ticket


def test_a_word_of_a_public_reply_finds_the_ticket(conversation, alice, sam):
    assert found("grinding", sam) == ["Router reboots"]
    assert found("diagnostics log", sam) == ["Router reboots"]
    # the customer finds her own ticket by the conversation too
    assert api_subjects(alice, "grinding") == ["Router reboots"]
    assert api_subjects(alice, "diagnostics") == ["Router reboots"]


def test_internal_notes_are_searched_for_agents_only(client, conversation, alice, sam):
    assert found("counterfeit", sam) == ["Router reboots"]
    assert api_subjects(sam, "counterfeit") == ["Router reboots"]
    client.force_login(sam)
    html = client.get(reverse("service_desk:desk_queue"), {"q": "capacitor"}).content.decode()
    assert "Router reboots" in html

    # Never for the customer: not through the API, not combined with a word she may find
    assert api_subjects(alice, "counterfeit") == []
    assert api_subjects(alice, "grinding counterfeit") == []
    assert api_subjects(alice, '"counterfeit capacitor"') == []
    assert found("counterfeit", alice) == []
    assert found("counterfeit", None) == []
    # and her pages have no search that could reach it
    client.force_login(alice)
    assert client.get(reverse("service_desk:desk_queue"), {"q": "capacitor"}).status_code in (
        302,
        403,
        404,
    )


def test_the_customers_name_and_e_mail_find_their_tickets(sam, product):
    mei = customer(username="mei_c", email="Mei.Lin@Example.com", first_name="Mei", last_name="Lin")
    mei.display_name = "Mei Lin"
    mei.save()
    file_ticket(mei, product, subject="Cannot pair the remote")
    file_ticket(customer(username="other_c"), product, subject="Lin cable missing")

    assert found("mei.lin@example.com", sam) == ["Cannot pair the remote"]
    assert found("Mei Lin", sam) == ["Cannot pair the remote"]
    assert found("mei_c", sam) == ["Cannot pair the remote"]
    # an exact hit first, the word in another ticket's subject after it
    assert found("lin", sam) == ["Cannot pair the remote", "Lin cable missing"]


def test_the_serial_number_of_the_registered_unit_finds_the_ticket(alice, sam, product):
    unit = RegistrationFactory(customer=alice, product=product, serial_number="AUR-X2-S0042")
    file_ticket(alice, product, subject="Dead on arrival", registration=unit)
    file_ticket(alice, product, subject="Another one")

    assert found("AUR-X2-S0042", sam) == ["Dead on arrival"]
    assert found("aur-x2-s0042", sam) == ["Dead on arrival"]


def test_chinese_in_a_reply(alice, sam, product):
    ticket = file_ticket(alice, product, subject="Battery", description="Drains fast.")
    services.ticket_reply(ticket=ticket, author=alice, body="升级以后电池续航很差。")
    file_ticket(alice, product, subject="Other", description="电话 … 游泳池")

    assert found("电池", sam) == ["Battery"]
    assert found("续航", sam) == ["Battery"]
    assert found("池电", sam) == []
    assert api_subjects(alice, "电池") == ["Battery"]


def test_subject_above_description_above_the_conversation(alice, sam, product):
    in_reply = file_ticket(alice, product, subject="Noise", description="Loud.")
    services.ticket_reply(ticket=in_reply, author=sam, body="Is the antenna loose?")
    in_note = file_ticket(alice, product, subject="Hum", description="Quiet.")
    services.ticket_add_note(ticket=in_note, author=sam, body="antenna again")
    file_ticket(alice, product, subject="Antenna broke", description="Snapped.")
    file_ticket(alice, product, subject="Drops", description="The antenna wobbles.")

    assert found("antenna", sam) == ["Antenna broke", "Drops", "Noise", "Hum"]


def test_a_reply_is_findable_as_soon_as_it_is_sent(alice, sam, product):
    ticket = file_ticket(alice, product, subject="Router reboots")
    assert found("overheating", sam) == []

    services.ticket_reply(ticket=ticket, author=alice, body="It is overheating, I think.")

    assert found("overheating", sam) == ["Router reboots"]


def test_anonymisation_removes_the_customers_words_from_the_search(
    settings, alice, sam, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = file_ticket(alice, product, subject="Wobbly antenna", description="Elm Street")
        services.ticket_reply(ticket=ticket, author=alice, body="My phone is 5550123.")
        services.ticket_reply(ticket=ticket, author=sam, body="We will send a replacement.")
    account_delete(user=alice, actor=alice)
    assert found("5550123", sam) == ["Wobbly antenna"]  # kept for the retention period
    Ticket.objects.filter(pk=ticket.pk).update(
        updated_at=ticket.updated_at.replace(year=ticket.updated_at.year - 5)
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_job", "accounts-anonymise-tickets")

    for words in ("5550123", "Elm Street", "wobbly antenna"):
        assert found(words, sam) == [], words
    assert found("replacement", sam) == ["Anonymised ticket"]  # the agent's answer stays


def test_the_queue_with_a_search_runs_a_fixed_number_of_queries(
    client, sam, alice, product, django_assert_num_queries
):
    for index in range(3):
        ticket = file_ticket(alice, product, subject=f"Flickers {index}")
        services.ticket_reply(ticket=ticket, author=alice, body="Still flickers")
    client.force_login(sam)
    url = reverse("service_desk:desk_queue")

    # the queue's 10, and one looking up customers and units the words name exactly
    with django_assert_num_queries(11):
        client.get(url, {"q": "flickers"})
    for index in range(30):
        ticket = file_ticket(alice, product, subject=f"Blinks {index}")
        services.ticket_add_note(ticket=ticket, author=sam, body="flickers too")
    with django_assert_num_queries(10):  # the roles now cached
        client.get(url, {"q": "flickers", "page": 2})
    with django_assert_num_queries(10):
        client.get(url, {"q": alice.email})


def test_check_consistency_finds_and_repairs_a_stale_document(sam, alice, product):
    (check,) = [check for check in CHECKS if check.model == "service_desk.TicketSearchDocument"]
    ticket = file_ticket(alice, product, subject="Router reboots")
    missing = TicketFactory(subject="Never indexed")
    TicketSearchDocument.objects.filter(pk=missing.pk).delete()
    # a message written behind the services' back
    TicketMessage.objects.create(ticket=ticket, author=sam, body="resoldered", body_html="")
    assert check.differences() and {d.id for d in check.differences()} == {ticket.pk, missing.pk}

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("check_consistency", stdout=out, stderr=io.StringIO())
    assert "service_desk.TicketSearchDocument.document: 2 differ" in out.getvalue()
    call_command("check_consistency", "--fix", stdout=io.StringIO(), stderr=io.StringIO())

    assert check.differences() == []
    assert found("resoldered", sam) == ["Router reboots"]
    assert found("indexed", sam) == ["Never indexed"]


def test_the_migration_fills_the_documents_of_existing_tickets(alice, sam, product):
    """Migration 0012's batches write what the services write (check_consistency agrees)."""
    fill = importlib.import_module("service_desk.migrations.0012_ticket_conversation_search").fill
    (check,) = [check for check in CHECKS if check.model == "service_desk.TicketSearchDocument"]
    for index in range(3):
        ticket = file_ticket(alice, product, subject=f"Router {index}")
        services.ticket_reply(ticket=ticket, author=alice, body="电池续航很差")
        services.ticket_add_note(ticket=ticket, author=sam, body="counterfeit")
    TicketSearchDocument.objects.all().delete()
    assert len(check.differences()) == 3

    with connection.schema_editor() as schema_editor:
        fill(django_apps, schema_editor)

    assert check.differences() == []
    assert len(found("电池 counterfeit", sam)) == 3
