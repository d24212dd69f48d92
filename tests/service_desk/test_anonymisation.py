"""Tickets of deleted accounts: kept for the retention period, then anonymised by a daily job."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from cocreate.accounts.models import AuditLogEntry
from cocreate.accounts.services import account_delete
from service_desk import services
from service_desk.models import Ticket, TicketAttachment, TicketEvent
from tests.factories.service_desk import file_ticket
from tests.images import png_bytes

pytestmark = pytest.mark.django_db


def png(name="photo.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def stored_files(settings) -> list[Path]:
    root = Path(settings.SERVICE_DESK_ATTACHMENT_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def age(ticket, days: int) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def deleted_customers_ticket(alice, sam, product, django_capture_on_commit_callbacks):
    """A ticket of Alice with her file and reply, the agent's answer and note; then Alice
    deletes her account."""
    with django_capture_on_commit_callbacks(execute=True):
        ticket = file_ticket(
            alice, product, subject="Alice's router", description="My address is 1 Elm St."
        )
        services.ticket_reply(ticket=ticket, author=alice, body="Photo", attachments=[png()])
        services.ticket_reply(ticket=ticket, author=sam, body="Thanks, looking into it")
        services.ticket_add_note(ticket=ticket, author=sam, body="Probably the antenna")
    account_delete(user=alice, actor=alice)
    return ticket


def test_only_tickets_past_the_retention_period_are_anonymised(
    settings, alice, bob, product, deleted_customers_ticket, django_capture_on_commit_callbacks
):
    # Given a retention of 30 days, the deleted customer's ticket changed 31 days ago, another
    # of hers changed 29 days ago, and an old ticket of a customer who did not leave
    settings.ACCOUNTS_TICKET_RETENTION_DAYS = 30
    old = deleted_customers_ticket
    recent = file_ticket(alice, product, subject="Recent one")
    kept = file_ticket(bob, product, subject="Bob's old ticket")
    age(old, 31)
    age(recent, 29)
    age(kept, 400)

    # When the job runs (as beat runs it)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_job", "accounts-anonymise-tickets")

    # Then only the old enough ticket of the deleted account is anonymised
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert old.subject == "Anonymised ticket" and old.description == ""
    recent.refresh_from_db()
    kept.refresh_from_db()
    assert recent.anonymised_at is None and recent.subject == "Recent one"
    assert kept.anonymised_at is None and kept.subject == "Bob's old ticket"


def test_what_the_customer_wrote_goes_and_the_agents_answers_stay(
    settings, sam, deleted_customers_ticket, django_capture_on_commit_callbacks
):
    ticket = deleted_customers_ticket
    age(ticket, settings.ACCOUNTS_TICKET_RETENTION_DAYS + 1)
    events_before = list(ticket.events.values_list("pk", "kind", "actor_id"))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.tickets_anonymise_former_members() == 1

    assert ticket.messages.get(author=ticket.customer).body == ""
    assert set(ticket.messages.filter(author=sam).values_list("body", flat=True)) == {
        "Thanks, looking into it",
        "Probably the antenna",
    }
    assert not TicketAttachment.objects.filter(ticket=ticket).exists()
    assert stored_files(settings) == []
    # The append-only history keeps its lines, and gains one saying what happened
    events_after = list(ticket.events.values_list("pk", "kind", "actor_id"))
    assert events_after[:-1] == events_before
    assert events_after[-1][1:] == (TicketEvent.Kind.ANONYMISED, None)
    entry = AuditLogEntry.objects.get(action="tickets_anonymised")
    assert (entry.subject_id, entry.actor, entry.detail) == (
        ticket.customer_id,
        None,
        ticket.number,
    )
    # A second run changes nothing
    assert services.tickets_anonymise_former_members() == 0


def test_the_desk_page_says_the_text_was_removed(client, settings, sam, deleted_customers_ticket):
    ticket = deleted_customers_ticket
    age(ticket, settings.ACCOUNTS_TICKET_RETENTION_DAYS + 1)
    services.tickets_anonymise_former_members()
    client.force_login(sam)

    page = client.get(ticket.get_desk_url()).content.decode()

    assert "Removed: the customer deleted their account." in page
    assert "1 Elm St." not in page
    assert "a former member" in page
