from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from service_desk import services
from service_desk.models import Category, Deflection, Ticket
from tests.factories.products import ProductFactory, RegistrationFactory
from tests.factories.service_desk import KnowledgeArticleFactory, TicketFactory
from tests.images import png_bytes

pytestmark = pytest.mark.django_db
Status = Ticket.Status
PNG = png_bytes()


def new_ticket(customer, product, **kwargs):
    return services.ticket_create(
        customer=customer,
        product=product,
        category=kwargs.pop("category", Category.TECHNICAL_SUPPORT),
        subject=kwargs.pop("subject", "No sound after update"),
        description=kwargs.pop("description", "The speaker is silent."),
        **kwargs,
    )


def test_support_home_links_to_the_kb_and_new_ticket(client):
    KnowledgeArticleFactory(title="Resetting your speaker")

    html = client.get(reverse("service_desk:home")).content.decode()

    assert "Resetting your speaker" in html
    assert reverse("service_desk:ticket_new") in html


def test_filing_a_ticket_from_the_page(client, alice, product, policies):
    unit = RegistrationFactory(customer=alice, product=product)
    client.force_login(alice)

    form = client.get(reverse("service_desk:ticket_new")).content.decode()
    assert f"{product.name} (registered)" in form

    response = client.post(
        reverse("service_desk:ticket_new"),
        {
            "product": product.pk,
            "registration": unit.pk,
            "category": Category.TECHNICAL_SUPPORT,
            "subject": "Router reboots at night",
            "description": "Every night at 3 am.",
            "attachments": [SimpleUploadedFile("log.txt", b"kernel: panic\n")],
        },
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == ticket.get_absolute_url()
    assert ticket.registration == unit
    assert ticket.attachments.get().filename == "log.txt"


def test_filing_errors_show_on_the_form_and_save_nothing(client, alice, product):
    client.force_login(alice)

    response = client.post(
        reverse("service_desk:ticket_new"),
        {
            "product": product.pk,
            "category": Category.TECHNICAL_SUPPORT,
            "subject": "",
            "description": "x",
            "attachments": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00")],
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "virus.exe is not an accepted file type" in html
    assert not Ticket.objects.exists()


def test_filing_is_rate_limited(client, alice, product):
    client.force_login(alice)
    data = {
        "product": product.pk,
        "category": Category.CONSULTATION,
        "subject": "Question",
        "description": "Which charger?",
    }
    for _ in range(10):
        assert client.post(reverse("service_desk:ticket_new"), data).status_code == 302

    response = client.post(reverse("service_desk:ticket_new"), data)

    assert response.status_code == 200
    assert "many tickets in a short time" in response.content.decode()
    assert Ticket.objects.count() == 10


def test_suggestions_rank_articles_of_the_product(client, product):
    other = ProductFactory()
    KnowledgeArticleFactory(
        title="Router keeps rebooting", body="Firmware fixes reboots.", product=product
    )
    KnowledgeArticleFactory(title="Speaker reboots", body="Reboots loop.", product=other)
    KnowledgeArticleFactory(title="Reboots: general advice", body="Unplug it.", product=None)
    KnowledgeArticleFactory(title="Draft on reboots", status="draft", product=product)

    html = client.get(
        reverse("service_desk:ticket_suggestions"),
        {"product": product.pk, "subject": "it reboots", "description": "every night"},
    ).content.decode()

    assert "Router keeps rebooting" in html
    assert "Reboots: general advice" in html
    assert "Speaker reboots" not in html
    assert "Draft on reboots" not in html
    assert "This solved my problem" in html


def test_this_solved_my_problem_records_a_deflection_and_files_nothing(client, alice, product):
    article = KnowledgeArticleFactory(product=product)
    client.force_login(alice)

    response = client.post(
        reverse("service_desk:kb_deflect", args=[article.slug]),
        {"product": product.pk, "query": "reset router"},
    )

    assert response.url == article.get_absolute_url()
    deflection = Deflection.objects.get()
    assert (deflection.user, deflection.product, deflection.query) == (
        alice,
        product,
        "reset router",
    )
    assert not Ticket.objects.exists()


def test_another_customers_ticket_is_404(client, alice, bob, product):
    ticket = new_ticket(alice, product, attachments=[SimpleUploadedFile("a.png", PNG)])
    attachment = ticket.attachments.get()
    client.force_login(bob)

    assert client.get(ticket.get_absolute_url()).status_code == 404
    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert (
        client.post(
            reverse("service_desk:ticket_status", args=[ticket.number]), {"action": "close"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("service_desk:ticket_rate", args=[ticket.number]), {"score": 1})
    ).status_code == 404


def test_the_customer_sees_the_public_conversation_only(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    services.ticket_add_note(
        ticket=ticket,
        author=sam,
        body="Customer seems angry",
        attachments=[SimpleUploadedFile("internal.png", PNG)],
    )
    services.ticket_reply(ticket=ticket, author=sam, body="We are **on it**.")
    client.force_login(alice)

    html = client.get(ticket.get_absolute_url()).content.decode()

    assert "<strong>on it</strong>" in html
    assert "Customer seems angry" not in html
    assert "internal.png" not in html
    note_file = ticket.attachments.get(filename="internal.png")
    assert client.get(note_file.get_absolute_url()).status_code == 404


def test_attachments_are_served_to_the_customer_privately(
    client, alice, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # files are written on commit
        ticket = new_ticket(alice, product, attachments=[SimpleUploadedFile("shot.png", PNG)])
    attachment = ticket.attachments.get()
    client.force_login(alice)

    response = client.get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PNG
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_customer_replies_with_an_attachment(client, alice, product):
    ticket = new_ticket(alice, product)
    client.force_login(alice)

    response = client.post(
        ticket.get_absolute_url(),
        {"body": "Here is a photo.", "attachments": [SimpleUploadedFile("photo.png", PNG)]},
    )

    assert response.status_code == 302
    message = ticket.messages.get()
    assert message.attachments.get().filename == "photo.png"


def test_too_large_attachment_is_refused_with_a_clear_error(client, alice, product, settings):
    settings.MAX_UPLOAD_BYTES = 100
    ticket = new_ticket(alice, product)
    client.force_login(alice)

    response = client.post(
        ticket.get_absolute_url(),
        {"body": "Big one", "attachments": [SimpleUploadedFile("big.png", PNG + b"\x00" * 200)]},
    )

    assert response.status_code == 200
    assert "big.png is too large" in response.content.decode()
    assert not ticket.messages.exists()


def test_close_reopen_and_rate_from_the_page(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    client.force_login(alice)
    status_url = reverse("service_desk:ticket_status", args=[ticket.number])

    client.post(status_url, {"action": "close"})
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    client.post(status_url, {"action": "reopen"})
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN

    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.RESOLVED)
    assert "Did we solve your problem?" in client.get(ticket.get_absolute_url()).content.decode()
    client.post(
        reverse("service_desk:ticket_rate", args=[ticket.number]),
        {"score": 5, "comment": "Great"},
    )
    ticket.refresh_from_db()
    assert ticket.csat_score == 5

    response = client.post(
        reverse("service_desk:ticket_rate", args=[ticket.number]), {"score": 1}, follow=True
    )
    assert "You already rated this ticket." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.csat_score == 5


def test_ticket_list_shows_only_own_tickets_with_fixed_queries(
    client, alice, bob, product, django_assert_num_queries
):
    TicketFactory(customer=bob, subject="Bob's problem")
    TicketFactory.create_batch(2, customer=alice)
    client.force_login(alice)
    url = reverse("service_desk:ticket_list")

    with django_assert_num_queries(5):
        html = client.get(url).content.decode()
    assert "Bob&#x27;s problem" not in html and "Bob's problem" not in html

    TicketFactory.create_batch(12, customer=alice)
    with django_assert_num_queries(4):
        client.get(url)


def test_ticket_page_runs_a_fixed_number_of_queries(
    client, alice, sam, product, django_assert_num_queries
):
    ticket = new_ticket(alice, product)
    services.ticket_reply(ticket=ticket, author=sam, body="First answer")
    client.force_login(alice)

    with django_assert_num_queries(7):  # the files of the ticket and its messages in one
        client.get(ticket.get_absolute_url())

    for index in range(6):
        services.ticket_reply(
            ticket=ticket,
            author=sam if index % 2 else alice,
            body=f"Message {index}",
            attachments=[SimpleUploadedFile(f"f{index}.png", PNG)],
        )
    with django_assert_num_queries(6):
        client.get(ticket.get_absolute_url())


def test_support_pages_need_a_login(client):
    response = client.get(reverse("service_desk:ticket_new"))

    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_suggestions_run_a_fixed_number_of_queries(client, product, django_assert_num_queries):
    KnowledgeArticleFactory.create_batch(2, title="Reboot loop fix", product=product)
    params = {"product": product.pk, "subject": "reboot loop", "description": "again"}
    url = reverse("service_desk:ticket_suggestions")

    with django_assert_num_queries(2):  # the product, the ranked articles
        client.get(url, params)
    KnowledgeArticleFactory.create_batch(10, title="Reboot loop fix", product=product)
    with django_assert_num_queries(2):
        client.get(url, params)


@pytest.mark.parametrize("status", [Status.NEW, Status.PENDING_CUSTOMER])
def test_the_page_refuses_a_customer_reopening_an_active_ticket(
    client, alice, sam, product, status
):
    # Given a ticket that is new or waiting for the customer
    ticket = new_ticket(alice, product)
    if status == Status.PENDING_CUSTOMER:
        services.ticket_change_status(ticket=ticket, actor=sam, status=status)
    client.force_login(alice)

    # When the customer posts "reopen" (the page offers no such button for it)
    response = client.post(
        reverse("service_desk:ticket_status", args=[ticket.number]), {"action": "reopen"}
    )

    # Then it is 403 and the ticket keeps its status
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == status


def test_the_ticket_page_tells_the_customer_the_reopen_rules(client, alice, sam, product, settings):
    # Given the reopen window of 14 days and an open ticket
    settings.SERVICE_DESK_REOPEN_DAYS = 14
    ticket = new_ticket(alice, product)
    client.force_login(alice)

    def help_text():
        html = client.get(ticket.get_absolute_url()).content.decode()
        start = html.index('data-testid="status-help"')
        return " ".join(html[start : html.index("</p>", start)].split())

    # Then the page says what the customer may do, and for how long
    assert "You can close your ticket at any time" in help_text()
    assert "you can reopen it within 14 days" in help_text()

    # When the ticket is resolved, Then it says until when it can be reopened
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.RESOLVED)
    ticket.refresh_from_db()
    deadline = ticket.resolved_at + timedelta(days=14)
    assert "Reply or reopen the ticket until" in help_text()
    assert date_format(timezone.localtime(deadline), "DATETIME_FORMAT") in help_text()

    # When the window has passed, Then it says to file a new ticket
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=ticket.resolved_at - timedelta(days=15))
    assert "This one can no longer be reopened: please file a new ticket." in help_text()


@pytest.mark.parametrize("value", ["²", "٣", "1²", "99999999999999999999"])
def test_suggestions_ignore_a_product_id_that_is_not_one(client, product, value):
    # Given an article for everyone (no product)
    KnowledgeArticleFactory(title="Reboot loop fix", product=None)

    # When the product is not an id: "²" passes str.isdigit() and made the lookup a 500
    response = client.get(
        reverse("service_desk:ticket_suggestions"), {"product": value, "subject": "reboot loop"}
    )

    # Then the suggestions come for no product in particular
    assert response.status_code == 200
    assert response.context["product"] is None
    assert "Reboot loop fix" in response.content.decode()


def test_a_deflection_with_a_product_id_that_is_not_one_counts_without_it(client, alice, product):
    article = KnowledgeArticleFactory(product=product)
    client.force_login(alice)

    response = client.post(
        reverse("service_desk:kb_deflect", args=[article.slug]), {"product": "²", "query": "x"}
    )

    assert response.url == article.get_absolute_url()
    assert Deflection.objects.get().product is None
