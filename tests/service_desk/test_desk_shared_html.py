"""The desk ticket page's messages, history entries and empty forms are rendered once for every
agent and cached under keys made of all they show (service_desk/shared_parts.py,
cocreate/core/form_html.py): a warm cache renders none of them again, yet every agent gets the
page they would get without it, in their language and time zone, and a new message, note or
change shows at once. The customer's own page never comes from this cache."""

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from service_desk import services
from service_desk.models import Category, Ticket, TicketMessage
from tests.factories.accounts import agent
from tests.redis_faults import refusing_redis_url

pytestmark = pytest.mark.django_db

MESSAGE = "service_desk/_message.html"
EVENT = "service_desk/_history_event.html"
FORM_FIELDS = "partials/form_fields.html"
WIDGET = re.compile(r"^django/forms/widgets/")
PAGE_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')
LOCAL_TIME = re.compile(r'(data-testid="customer-local-time">).*?</dd>', re.S)  # now, per request


@pytest.fixture(autouse=True)
def _shared_html_on(settings):
    settings.SHARED_HTML_CACHE_SECONDS = 600


@pytest.fixture
def ticket(alice, sam, product):
    """A ticket with a reply and an internal note of two days ago (their dates read "2 days
    ago" for the whole test) and entries in its history (append-only: of now)."""
    ticket = services.ticket_create(
        customer=alice,
        product=product,
        category=Category.TECHNICAL_SUPPORT,
        subject="Fan is loud",
        description="The fan spins at full speed.",
    )
    services.ticket_reply(ticket=ticket, author=sam, body="Which firmware?")
    services.ticket_add_note(ticket=ticket, author=sam, body="Secret fan curve")
    services.ticket_reply(ticket=ticket, author=alice, body="Version 2.1")
    two_days_ago = timezone.now() - timedelta(days=2)
    TicketMessage.objects.filter(ticket=ticket).update(created_at=two_days_ago)
    return ticket


def desk_client(user, language="", time_zone="") -> Client:
    for name, value in {"language": language, "time_zone": time_zone}.items():
        if value:
            setattr(user, name, value)
    user.save()
    client = Client()
    client.force_login(user)
    return client


def page(response) -> str:
    assert response.status_code == 200
    return LOCAL_TIME.sub(r"\1", PAGE_TOKEN.sub(r"\1TOKEN", response.content.decode()))


def rendered(response, name) -> int:
    return sum(template.name == name for template in response.templates)


def rendered_widgets(response) -> int:
    return sum(bool(WIDGET.match(template.name or "")) for template in response.templates)


def uncached(settings, client, url) -> str:
    settings.SHARED_HTML_CACHE_SECONDS = 0
    try:
        return page(client.get(url))
    finally:
        settings.SHARED_HTML_CACHE_SECONDS = 600


def test_a_warm_cache_renders_no_message_entry_or_empty_form_again(settings, sam, ticket):
    client = desk_client(sam)
    url = ticket.get_desk_url()
    expected = uncached(settings, client, url)

    first = client.get(url)
    assert rendered(first, MESSAGE) == 3
    assert rendered(first, EVENT) == ticket.events.count() > 0
    assert page(first) == expected

    second = client.get(url)
    assert rendered(second, MESSAGE) == 0
    assert rendered(second, EVENT) == 0
    # The four empty forms (the ticket's, a shipment's, linking and opening a post) and the
    # reply form's widgets are cached.
    assert rendered(first, FORM_FIELDS) == 4
    assert rendered(second, FORM_FIELDS) == 0
    assert rendered_widgets(second) == 0
    assert page(second) == expected


def test_agents_of_other_languages_and_time_zones_get_their_own(settings, sam, ticket):
    url = ticket.get_desk_url()
    page(desk_client(sam).get(url))  # warms the cache in English, UTC
    ming = desk_client(agent(username="ming_a"), language="zh-hans", time_zone="Asia/Shanghai")

    expected = uncached(settings, ming, url)
    assert "2天前" in expected
    assert page(ming.get(url)) == expected


def test_a_new_message_note_or_change_shows_at_once(sam, alice, ticket):
    client = desk_client(sam)
    url = ticket.get_desk_url()
    client.get(url)

    services.ticket_reply(ticket=ticket, author=alice, body="Still loud")
    services.ticket_add_note(ticket=ticket, author=sam, body="Escalate to hardware")
    services.ticket_edit(
        ticket=ticket,
        actor=sam,
        priority=ticket.priority,
        category=Category.LOGISTICS,
        assignee=sam,
        status=Ticket.objects.get(pk=ticket.pk).status,
    )
    html = page(client.get(url))

    assert "Still loud" in html and "Escalate to hardware" in html
    history = html[html.index('<ol class="sd-history">') :]
    assert "Logistics" in history
    assert f'<option value="{Category.LOGISTICS}" selected>' in html


def test_a_new_agent_is_offered_as_assignee_at_once(sam, ticket):
    client = desk_client(sam)
    client.get(ticket.get_desk_url())
    agent(username="newcomer_a")

    assert "newcomer_a" in page(client.get(ticket.get_desk_url()))


def test_the_customer_never_gets_an_internal_note_from_the_cache(sam, alice, ticket):
    desk_client(sam).get(ticket.get_desk_url())  # the note cached for agents
    customer = desk_client(alice)

    response = customer.get(ticket.get_absolute_url())
    html = page(response)

    assert "Which firmware?" in html and "Version 2.1" in html
    assert "Secret fan curve" not in html and "Internal note" not in html
    assert rendered(response, MESSAGE) == 2  # the customer's page renders its own


def test_with_the_cache_down_the_page_is_rendered(settings, sam, ticket):
    client = desk_client(sam)
    url = ticket.get_desk_url()
    expected = uncached(settings, client, url)
    with refusing_redis_url(settings.CACHES["default"]["LOCATION"]) as location:
        settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": location}}
        response = client.get(url)

    assert rendered(response, MESSAGE) == 3
    assert page(response) == expected


def test_a_refused_form_shows_what_was_typed_and_its_errors(sam, ticket):
    client = desk_client(sam)
    url = ticket.get_desk_url()
    client.get(url)

    response = client.post(url, {"form": "shipment", "carrier": "DHL", "tracking_number": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="DHL"' in html and 'class="error"' in html
    assert Ticket.objects.get(pk=ticket.pk).shipments.count() == 0
