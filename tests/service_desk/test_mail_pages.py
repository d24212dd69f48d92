"""What agents and staff see of the e-mail channel: the badge, the original .eml, the "Failed
mail" list with its retry and discard, tickets by channel in the metrics and the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from service_desk import services
from service_desk.mail.receiving import mail_receive
from service_desk.metrics import desk_metrics
from service_desk.models import InboundMail, Mailbox, Ticket
from tests.factories.accounts import staff
from tests.factories.service_desk import MailboxFactory, file_ticket

from .mails import compose

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(product):
    return MailboxFactory(name="support", address="support@cocreate.example", product=product)


@pytest.fixture
def emailed(mailbox, sam):
    """A ticket opened by e-mail, answered on the site, then answered back by e-mail."""
    ticket = mail_receive(mailbox=mailbox, raw=compose(subject="Grinder stops")).ticket
    services.ticket_reply(ticket=ticket, author=sam, body="Hold the button for 5 s.")
    reply = mail_receive(
        mailbox=mailbox,
        raw=compose(
            subject=f"Re: {ticket.number}",
            body="Did that, still stops.\n\n-- \nLi Wei, Shanghai",
        ),
    )
    assert reply.status == InboundMail.Status.REPLY
    return ticket


def test_the_desk_shows_which_messages_came_by_email_with_their_originals(client, sam, emailed):
    client.force_login(sam)

    page = client.get(emailed.get_desk_url()).content.decode()

    assert page.count('data-testid="by-email"') == 2  # the opening message and the reply
    assert '<dd data-testid="ticket-channel">E-mail <span class="muted small">support@' in page
    assert "Did that, still stops." in page and "Li Wei, Shanghai" not in page
    originals = InboundMail.objects.filter(ticket=emailed).order_by("pk")
    for original in originals:
        assert original.get_download_url() in page


def test_the_customer_sees_the_badge_but_not_the_originals(client, emailed):
    client.force_login(emailed.customer)

    page = client.get(emailed.get_absolute_url()).content.decode()

    assert 'data-testid="by-email"' in page
    assert ".eml" not in page


def test_agents_download_a_tickets_original_email_as_it_arrived(client, sam, emailed):
    original = InboundMail.objects.filter(ticket=emailed).first()
    client.force_login(sam)

    response = client.get(original.get_download_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response.content == bytes(original.raw)


def test_customers_never_download_originals_not_even_their_own(client, emailed):
    original = InboundMail.objects.filter(ticket=emailed).first()
    client.force_login(emailed.customer)

    assert client.get(original.get_download_url()).status_code == 404


def test_failed_mail_is_downloadable_by_staff_only(client, sam, mailbox):
    failed = mail_receive(mailbox=mailbox, raw=b"garbage")

    client.force_login(sam)
    assert client.get(failed.get_download_url()).status_code == 404
    client.force_login(staff(username="root"))
    assert client.get(failed.get_download_url()).content == b"garbage"


def test_staff_retry_and_discard_failed_mail_in_the_admin(client, mailbox, settings):
    settings.SERVICE_DESK_MAIL_TICKETS_PER_HOUR = 0
    flooded = mail_receive(mailbox=mailbox, raw=compose(subject="One"))
    broken = mail_receive(mailbox=mailbox, raw=b"garbage")
    ignored = mail_receive(mailbox=mailbox, raw=compose(headers={"Auto-Submitted": "auto-replied"}))
    client.force_login(staff(username="root"))
    changelist = reverse("admin:service_desk_failedmail_changelist")

    listed = client.get(changelist).content.decode()
    assert "garbage" not in listed  # the bytes are not shown, the reason is
    assert str(flooded.reason) in listed and ignored.subject not in listed

    settings.SERVICE_DESK_MAIL_TICKETS_PER_HOUR = 10
    client.post(changelist, {"action": "retry", "_selected_action": [flooded.pk]})
    client.post(changelist, {"action": "discard", "_selected_action": [broken.pk]})

    flooded.refresh_from_db()
    broken.refresh_from_db()
    assert flooded.status == InboundMail.Status.TICKET and flooded.ticket.subject == "One"
    assert broken.status == InboundMail.Status.DISCARDED
    assert client.get(changelist).context["cl"].result_count == 0


def test_staff_open_the_mailbox_and_received_mail_pages_and_never_see_a_password(
    client, mailbox, monkeypatch
):
    monkeypatch.setenv("SUPPORT_IMAP_PASSWORD", "s3cret-imap")
    Mailbox.objects.filter(pk=mailbox.pk).update(password_env="SUPPORT_IMAP_PASSWORD")
    received = mail_receive(mailbox=mailbox, raw=compose())
    client.force_login(staff(username="root"))

    pages = [
        reverse("admin:service_desk_mailbox_changelist"),
        reverse("admin:service_desk_mailbox_change", args=[mailbox.pk]),
        reverse("admin:service_desk_inboundmail_changelist"),
        reverse("admin:service_desk_inboundmail_change", args=[received.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "s3cret-imap" not in response.content.decode()


def test_the_metrics_count_tickets_by_channel(mailbox, alice, product):
    mail_receive(mailbox=mailbox, raw=compose())
    file_ticket(alice, product)
    api = APIClient()
    api.force_authenticate(alice)
    created = api.post(
        "/api/v1/tickets/",
        {
            "product": product.slug,
            "category": "consultation",
            "subject": "By API",
            "description": "From our integration.",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["channel"] == "api"

    by_channel = dict(desk_metrics().by_channel)

    assert (by_channel["Web"], by_channel["API"], by_channel["E-mail"]) == (1, 1, 1)
    assert set(Ticket.objects.values_list("channel", flat=True)) == {"web", "api", "email"}
