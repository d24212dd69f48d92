from datetime import timedelta

import pytest
from django.urls import reverse

from cocreate.notifications.models import Notification
from service_desk import services
from service_desk.models import (
    Category,
    KnowledgeArticle,
    Priority,
    Shipment,
    SlaState,
    Ticket,
    TicketEvent,
)
from tests.factories.accounts import agent, staff
from tests.factories.products import ProductFactory
from tests.factories.service_desk import CannedResponseFactory, TicketFactory

pytestmark = pytest.mark.django_db
Status = Ticket.Status


def new_ticket(customer, product, **kwargs):
    return services.ticket_create(
        customer=customer,
        product=product,
        category=kwargs.pop("category", Category.TECHNICAL_SUPPORT),
        subject=kwargs.pop("subject", "Fan is loud"),
        description=kwargs.pop("description", "The fan spins at full speed."),
    )


@pytest.mark.parametrize(
    "url",
    [
        reverse("service_desk:desk_queue"),
        reverse("service_desk:desk_metrics"),
        reverse("service_desk:desk_article_new"),
    ],
)
def test_customers_get_403_on_desk_pages(client, alice, url):
    client.force_login(alice)

    assert client.get(url).status_code == 403


def test_customers_cannot_take_tickets_or_open_the_workspace(client, alice, product):
    ticket = new_ticket(alice, product)
    client.force_login(alice)

    assert client.post(reverse("service_desk:desk_take_next")).status_code == 403
    assert client.get(ticket.get_desk_url()).status_code == 403
    assert (
        client.post(ticket.get_desk_url(), {"form": "update", "status": "resolved"}).status_code
        == 403
    )


def test_queue_is_most_urgent_first_and_hides_finished_tickets(client, sam, product):
    TicketFactory(subject="Normal one", priority=Priority.NORMAL)
    TicketFactory(subject="Urgent one", priority=Priority.URGENT)
    TicketFactory(subject="Done one", status=Status.RESOLVED)
    client.force_login(sam)

    html = client.get(reverse("service_desk:desk_queue")).content.decode()

    assert html.index("Urgent one") < html.index("Normal one")
    assert "Done one" not in html
    assert (
        "Done one"
        in client.get(reverse("service_desk:desk_queue"), {"status": "all"}).content.decode()
    )


def test_queue_filters_and_search(client, sam, tina, product):
    other = ProductFactory(slug="speaker-one")
    TicketFactory(subject="Battery swelling", product=product, category=Category.LOGISTICS)
    TicketFactory(subject="Battery drains", product=other, assignee=tina)
    TicketFactory(subject="Broken hinge", product=other, sla_state=SlaState.BREACHED)
    client.force_login(sam)
    url = reverse("service_desk:desk_queue")

    def subjects(**params):
        html = client.get(url, params).content.decode()
        return {s for s in ("Battery swelling", "Battery drains", "Broken hinge") if s in html}

    assert subjects(q="battery") == {"Battery swelling", "Battery drains"}
    assert subjects(product="speaker-one") == {"Battery drains", "Broken hinge"}
    assert subjects(category=Category.LOGISTICS) == {"Battery swelling"}
    assert subjects(assignee="tina_a") == {"Battery drains"}
    assert subjects(assignee="none") == {"Battery swelling", "Broken hinge"}
    assert subjects(sla=SlaState.BREACHED) == {"Broken hinge"}
    number = Ticket.objects.get(subject="Broken hinge").number
    assert subjects(q=number) == {"Broken hinge"}


def test_queue_runs_a_fixed_number_of_queries(client, sam, django_assert_num_queries):
    TicketFactory.create_batch(3)
    client.force_login(sam)
    url = reverse("service_desk:desk_queue")

    # With the views, their counts and the page's in one query, tags and macros; the session
    # comes from the cache, the roles too once read.
    with django_assert_num_queries(10):
        client.get(url)
    TicketFactory.create_batch(30)
    with django_assert_num_queries(9):
        client.get(url)
    with django_assert_num_queries(10):  # and a search looks up exact hits (customer, unit)
        client.get(url, {"q": "flickers", "page": 2})


def test_take_next_from_the_queue(client, sam, product):
    TicketFactory(subject="Low one", priority=Priority.LOW)
    urgent = TicketFactory(subject="Urgent one", priority=Priority.URGENT)
    client.force_login(sam)

    response = client.post(reverse("service_desk:desk_take_next"))

    assert response.url == urgent.get_desk_url()
    urgent.refresh_from_db()
    assert urgent.assignee == sam


def test_workspace_shows_notes_history_and_runs_fixed_queries(
    client, alice, sam, product, django_assert_num_queries
):
    ticket = new_ticket(alice, product)
    services.ticket_add_note(ticket=ticket, author=sam, body="Check the fan curve")
    client.force_login(sam)

    # 17: the page's 10 (the session and the roles come from the cache; the files of the ticket
    # and of its messages in one query), the customer panel's 4 (selectors.customer_overview),
    # the ticket's tags, the tag names suggested, the macros to pick and the search for similar
    # posts, which runs once per subject (test_post_links.py).
    with django_assert_num_queries(17):
        html = client.get(ticket.get_desk_url()).content.decode()
    assert "Check the fan curve" in html
    assert "Internal note" in html

    for index in range(5):
        services.ticket_reply(ticket=ticket, author=sam, body=f"Answer {index}")
    with django_assert_num_queries(16):  # the subject searched already, and nothing found
        client.get(ticket.get_desk_url())


def test_agent_replies_and_sets_pending(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    client.force_login(sam)

    response = client.post(
        ticket.get_desk_url(),
        {"form": "reply", "body": "Send us a photo, please.", "then_status": "pending_customer"},
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_CUSTOMER
    assert ticket.paused_at is not None
    assert ticket.messages.get().internal is False


def test_canned_response_is_sent_when_the_message_is_empty(client, alice, sam, product):
    canned = CannedResponseFactory(body="Hi {customer}, about {ticket}: fixed.")
    ticket = new_ticket(alice, product)
    client.force_login(sam)

    client.post(ticket.get_desk_url(), {"form": "reply", "body": "", "canned": canned.pk})

    assert ticket.messages.get().body == f"Hi alice_c, about {ticket.number}: fixed."


def test_canned_response_fills_the_reply_box_with_htmx(client, alice, sam, product):
    canned = CannedResponseFactory(body="Hello {customer}")
    ticket = new_ticket(alice, product)
    client.force_login(sam)

    html = client.get(
        reverse("service_desk:desk_canned", args=[ticket.number]),
        {"canned": canned.pk, "body": "Thanks."},
    ).content.decode()

    assert "<textarea" in html and "Thanks.\n\nHello alice_c" in html


def test_empty_reply_shows_an_error(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    client.force_login(sam)

    response = client.post(ticket.get_desk_url(), {"form": "reply", "body": ""})

    assert response.status_code == 400
    assert "Write a message or pick a canned response." in response.content.decode()


def test_workspace_updates_priority_assignee_and_status(client, alice, sam, tina, product):
    ticket = new_ticket(alice, product)
    client.force_login(sam)

    client.post(
        ticket.get_desk_url(),
        {
            "form": "update",
            "status": Status.OPEN,
            "priority": Priority.HIGH,
            "category": Category.UPGRADE_MAINTENANCE,
            "assignee": tina.pk,
        },
    )

    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.category, ticket.assignee) == (
        Status.OPEN,
        Priority.HIGH,
        Category.UPGRADE_MAINTENANCE,
        tina,
    )
    kinds = set(ticket.events.values_list("kind", flat=True))
    assert {"status", "priority", "category", "assignee"} <= kinds
    assert Notification.objects.filter(recipient=tina, kind="ticket.assigned").exists()


def test_invalid_transition_shows_an_error_on_the_form(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.CLOSED)
    client.force_login(sam)

    response = client.post(
        ticket.get_desk_url(),
        {
            "form": "update",
            "status": Status.PENDING_CUSTOMER,
            "priority": Priority.URGENT,
            "category": ticket.category,
        },
    )

    assert response.status_code == 400
    assert "cannot become" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.priority == Priority.NORMAL  # nothing half-saved


def test_shipments_are_recorded_updated_and_shown_to_the_customer(client, alice, sam, product):
    ticket = new_ticket(alice, product)
    client.force_login(sam)

    client.post(
        ticket.get_desk_url(),
        {
            "form": "shipment",
            "direction": Shipment.Direction.OUTBOUND,
            "carrier": "DHL",
            "tracking_number": "JD0146000033",
            "note": "Repaired unit on its way",
        },
    )
    shipment = ticket.shipments.get()
    client.post(
        ticket.get_desk_url(),
        {"form": "shipment_update", "shipment": shipment.pk, "status": "delivered"},
    )

    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED
    assert [u.status for u in shipment.history.all()] == ["label_created", "delivered"]
    assert Notification.objects.filter(recipient=alice, kind="ticket.shipment").count() == 2
    client.force_login(alice)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert "JD0146000033" in html and "Repaired unit on its way" in html and "Delivered" in html


def test_turn_an_answer_into_an_article(client, alice, sam, product):
    ticket = new_ticket(alice, product, subject="Fan is loud")
    message = services.ticket_reply(
        ticket=ticket, author=sam, body="Update the BIOS, then set the fan curve."
    )
    client.force_login(sam)
    url = reverse("service_desk:desk_article_new") + f"?ticket={ticket.number}&message={message.pk}"

    form = client.get(url).content.decode()
    assert "Update the BIOS, then set the fan curve." in form

    response = client.post(
        url,
        {
            "ticket": ticket.number,
            "title": "Quiet a loud fan",
            "product": product.pk,
            "category": Category.TECHNICAL_SUPPORT,
            "body": "Update the BIOS.\n\n<script>alert(1)</script>",
            "status": KnowledgeArticle.Status.PUBLISHED,
        },
    )

    article = KnowledgeArticle.objects.get()
    assert response.url == article.get_absolute_url()
    assert article.source_ticket == ticket
    assert article.slug == "quiet-a-loud-fan"
    assert "<script" not in article.body_html
    assert ticket.events.filter(kind=TicketEvent.Kind.ARTICLE).exists()


def test_metrics_page_prints_its_charts(client, alice, sam, product, policies):
    ticket = new_ticket(alice, product)
    services.ticket_reply(ticket=ticket, author=sam, body="On it")
    services.ticket_change_status(ticket=ticket, actor=sam, status=Status.RESOLVED)
    services.ticket_rate(ticket=ticket, customer=alice, score=4)
    client.force_login(sam)

    html = client.get(reverse("service_desk:desk_metrics"), {"days": 7}).content.decode()

    assert html.count('<svg class="chart"') == 7
    assert "Technical support" in html
    assert "Tickets by channel" in html
    assert product.name in html
    assert "4.00 / 5" in html
    assert "100.0 %" in html  # SLA compliance


def test_metrics_page_runs_a_fixed_number_of_queries(
    client, sam, product, django_assert_num_queries
):
    client.force_login(sam)
    TicketFactory.create_batch(2)
    services.metrics_refresh()
    with django_assert_num_queries(7):  # the session from the cache
        client.get(reverse("service_desk:desk_metrics"))
    TicketFactory.create_batch(20, product=ProductFactory())
    # A page that finds stale days in its period recomputes them first, in a transaction
    with django_assert_num_queries(14):  # the roles from the cache too from here on
        client.get(reverse("service_desk:desk_metrics"))
    with django_assert_num_queries(6):
        client.get(reverse("service_desk:desk_metrics"))


def test_queue_filters_by_priority(client, sam, product):
    # Given tickets of every priority, one urgent ticket already resolved
    for priority in Priority:
        TicketFactory(subject=f"{priority.label} one", priority=priority)
    TicketFactory(subject="Urgent but done", priority=Priority.URGENT, status=Status.RESOLVED)
    client.force_login(sam)
    url = reverse("service_desk:desk_queue")

    def subjects(**params):
        html = client.get(url, params).content.decode()
        candidates = [f"{priority.label} one" for priority in Priority] + ["Urgent but done"]
        return {subject for subject in candidates if subject in html}

    # When agents filter by priority, Then they see that priority only (with the other filters)
    assert subjects(priority=Priority.URGENT) == {"Urgent one"}
    assert subjects(priority=Priority.LOW) == {"Low one"}
    assert subjects(priority=Priority.URGENT, status="all") == {"Urgent one", "Urgent but done"}
    assert subjects(priority=Priority.URGENT, category=Category.LOGISTICS) == set()
    assert len(subjects()) == 4  # no priority: every active ticket


def test_an_unknown_queue_filter_is_named_and_the_other_filters_still_apply(client, sam):
    TicketFactory(subject="Urgent one", priority=Priority.URGENT)
    TicketFactory(subject="Low one", priority=Priority.LOW)
    client.force_login(sam)

    response = client.get(
        reverse("service_desk:desk_queue"), {"priority": Priority.URGENT, "sla": "sideways"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Urgent one" in html and "Low one" not in html
    assert response.context["form"].errors.keys() == {"sla"}


def test_a_shipment_update_for_no_shipment_of_the_ticket_is_a_clear_error(
    client, alice, sam, product
):
    # Given a ticket with a shipment, and another ticket's shipment
    ticket = new_ticket(alice, product)
    shipment = services.shipment_create(
        ticket=ticket, actor=sam, direction="outbound", carrier="DHL", tracking_number="JD01"
    )
    elsewhere = services.shipment_create(
        ticket=new_ticket(alice, product, subject="Other"),
        actor=sam,
        direction="inbound",
        carrier="UPS",
        tracking_number="1Z01",
    )
    client.force_login(sam)

    # When the update names no shipment, a malformed one, or one of another ticket
    for value in ("abc", "", str(elsewhere.pk), "99999999999999999999"):
        response = client.post(
            ticket.get_desk_url(),
            {"form": "shipment_update", "shipment": value, "status": "delivered"},
            follow=True,
        )

        # Then the workspace says so and nothing changes (this was a 500 for "abc")
        assert response.status_code == 200, value
        assert "Choose one of this ticket&#x27;s shipments." in response.content.decode(), value
    for parcel in (shipment, elsewhere):
        parcel.refresh_from_db()
        assert parcel.status == Shipment.Status.LABEL_CREATED
        assert parcel.history.count() == 1


def test_a_shipment_update_with_an_unknown_status_is_a_clear_error(client, alice, sam, product):
    # Given a ticket's shipment
    ticket = new_ticket(alice, product)
    shipment = services.shipment_create(
        ticket=ticket, actor=sam, direction="outbound", carrier="DHL", tracking_number="JD02"
    )
    client.force_login(sam)

    # When the new status is not one of the list
    response = client.post(
        ticket.get_desk_url(),
        {"form": "shipment_update", "shipment": shipment.pk, "status": "teleported"},
        follow=True,
    )

    # Then the workspace asks for one, and the shipment is unchanged
    assert "Choose the shipment&#x27;s new status." in response.content.decode()
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.LABEL_CREATED


def test_ids_that_are_not_ascii_digits_are_ignored_on_desk_pages(client, alice, sam, product):
    # Given a ticket with an answer, and an agent
    ticket = new_ticket(alice, product)
    services.ticket_reply(ticket=ticket, author=sam, body="Hold reset for ten seconds.")
    client.force_login(sam)

    # When a canned response or a message is named by "²" (str.isdigit() let it through: a 500)
    canned = client.get(
        reverse("service_desk:desk_canned", args=[ticket.number]), {"canned": "²", "body": "Hi"}
    )
    article = client.get(
        reverse("service_desk:desk_article_new"), {"ticket": ticket.number, "message": "²"}
    )

    # Then nothing is added: the reply box keeps what was typed, the article starts empty
    assert canned.status_code == 200
    assert canned.context["field"].value() == "Hi"
    assert article.status_code == 200
    assert "body" not in article.context["form"].initial


def test_agents_by_role_are_assignee_choices_and_are_told_of_breaches(
    client, alice, sam, product, policies
):
    # Given an agent by role only, a staff member, an agent who left, and a customer
    admin = staff(username="boss")
    gone = agent(username="gone_a", is_active=False)
    ticket = new_ticket(alice, product)
    client.force_login(sam)

    # When an agent opens the workspace, Then every active agent and staff member can be chosen
    choices = client.get(ticket.get_desk_url()).context["update_form"].fields["assignee"].queryset
    assert set(choices) == {sam, admin}

    # When the ticket breaches its SLA, Then the same people are told (not only staff)
    services.sla_check(now=ticket.created_at + timedelta(hours=5))
    told = Notification.objects.filter(kind="ticket.sla_breached").values_list(
        "recipient", flat=True
    )
    assert set(told) == {sam.pk, admin.pk}
    assert gone.pk not in told and alice.pk not in told


@pytest.mark.parametrize(
    ("language", "category", "priority"),
    [("en", "Technical support", "High"), ("zh-hans", "技术支持", "高")],
)
def test_queue_rows_name_category_and_priority_in_the_readers_language(
    client, sam, language, category, priority
):
    TicketFactory(category=Category.TECHNICAL_SUPPORT, priority=Priority.HIGH)
    client.force_login(sam)

    html = client.get(reverse("service_desk:desk_queue"), HTTP_ACCEPT_LANGUAGE=language)

    row = html.content.decode().split('class="sd-ticket"', 1)[1].split("</tr>", 1)[0]
    assert category in row
    assert f">{priority}</span>" in row
