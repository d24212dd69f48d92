"""The desk queue's rows, filter bar and bulk choices are rendered once for every agent they
look the same to and cached (service_desk/queue_parts.py): a warm cache renders none of them
again, yet each agent gets exactly the page they would get without it (their language, time
zone and token), and any change a row shows, or its countdown reaching another minute, shows
at once."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from cocreate.core.clock import clock_at
from service_desk.models import Macro, Tag, Ticket
from service_desk.views import queue
from tests.factories.accounts import agent
from tests.factories.products import ProductFactory
from tests.factories.service_desk import TicketFactory
from tests.redis_faults import refusing_redis_url

pytestmark = pytest.mark.django_db

ROW = "service_desk/_queue_row.html"
SHARED = (ROW, "partials/filter_bar.html", "service_desk/_bulk_choices.html")
PAGE_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _queue_cache_on(settings):
    settings.SHARED_HTML_CACHE_SECONDS = 600


@pytest.fixture
def tickets(product):
    return [
        TicketFactory(product=product, subject="Soon", resolution_due_at=NOW + timedelta(hours=5)),
        TicketFactory(product=product, subject="Late", resolution_due_at=NOW - timedelta(days=3)),
        TicketFactory(product=product, subject="Open-ended"),
    ]


def desk(user, language="", time_zone="") -> Client:
    """A client signed in as `user`, who reads in `language` and `time_zone`."""
    user.language, user.time_zone = language, time_zone
    user.save(update_fields=["language", "time_zone"])
    client = Client()
    client.force_login(user)
    return client


def get(client, at=NOW, **query):
    with clock_at(at):
        response = client.get(reverse("service_desk:desk_queue"), query)
    assert response.status_code == 200
    return response


def rendered(response, name: str) -> int:
    return sum(template.name == name for template in response.templates)


def page(response) -> str:
    return PAGE_TOKEN.sub(r"\1TOKEN", response.content.decode())


def uncached(settings, client, **query) -> str:
    settings.SHARED_HTML_CACHE_SECONDS = 0
    try:
        return page(get(client, **query))
    finally:
        settings.SHARED_HTML_CACHE_SECONDS = 600


def test_a_warm_cache_renders_no_row_filter_bar_or_bulk_choices_again(sam, tickets):
    client = desk(sam)
    first = get(client)
    again = get(client)

    assert rendered(first, ROW) == len(tickets)
    assert [rendered(again, name) for name in SHARED] == [0, 0, 0]
    assert page(again) == page(first)


def test_another_agent_on_the_same_query_renders_nothing(sam, tina, tickets):
    get(desk(sam), priority="2")

    response = get(desk(tina), priority="2")

    assert [rendered(response, name) for name in SHARED] == [0, 0, 0]


@pytest.mark.parametrize(
    "query", [{}, {"sla": "breached", "assignee": "none"}, {"sla": "sideways"}, {"view": "mine"}]
)
def test_the_page_from_the_cache_is_the_page_rendered_without_it(settings, sam, tickets, query):
    client = desk(sam)
    get(client, **query)

    assert page(get(client, **query)) == uncached(settings, client, **query)


def test_each_agent_gets_their_own_language_time_zone_and_token(settings, sam, tina, tickets):
    english = desk(sam, time_zone="UTC")
    chinese = desk(tina, language="zh-hans", time_zone="Asia/Shanghai")
    get(english)

    response = get(chinese)

    assert rendered(response, ROW) == len(tickets)
    html = page(response)
    assert html == uncached(settings, chinese)
    assert "技术支持" in html and "Technical support" not in html
    assert "01:00" in html and "17:00" in page(get(english))  # "Soon" is due at 17:00 UTC
    token = chinese.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert token not in get(english).content.decode()


def test_a_ticket_change_shows_at_once(settings, sam, tina, tickets, product):
    client = desk(sam)
    get(client)
    soon = tickets[0]
    Ticket.objects.filter(pk=soon.pk).update(
        subject="Soon, and louder", status=Ticket.Status.OPEN, assignee=tina, priority=3
    )
    tina.display_name = "Tina from support"
    tina.save(update_fields=["display_name"])

    html = page(get(client))

    assert "Soon, and louder" in html and "Tina from support" in html
    assert html == uncached(settings, client)


def test_the_countdown_moves_with_the_clock(sam, tickets):
    client = desk(sam)
    get(client)

    html = page(get(client, at=NOW + timedelta(hours=2)))

    assert ">due in 3 hours</time>" in html and ">due in 5 hours</time>" not in html


def test_a_new_agent_tag_or_macro_is_offered_at_once(settings, sam, tickets):
    client = desk(sam)
    get(client)
    agent(username="ursula_a", display_name="Ursula")
    Tag.objects.create(name="firmware")
    ProductFactory(name="Borealis Hub", slug="borealis-hub")
    Macro.objects.create(title="Close politely", reply="Bye.", active=True)

    html = page(get(client))

    assert html.count("Ursula") == 2  # the assignee filter and the bulk bar
    assert 'value="firmware"' in html and "Borealis Hub" in html
    assert "Apply the macro “Close politely”" in html
    assert html == uncached(settings, client)


def test_with_the_cache_down_the_page_is_rendered(settings, sam, tickets):
    client = desk(sam)
    expected = uncached(settings, client)
    with refusing_redis_url(settings.CACHES["default"]["LOCATION"]) as url:
        settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": url}}
        response = get(client)

    assert rendered(response, ROW) == len(tickets)
    assert page(response) == expected


def test_the_built_in_views_need_no_form_each(sam, tickets, monkeypatch):
    client = desk(sam)
    get(client)
    built = []
    original = queue.QueueFilterForm.__init__

    def counting(form, *args, **kwargs):
        built.append(form)
        original(form, *args, **kwargs)

    monkeypatch.setattr(queue.QueueFilterForm, "__init__", counting)

    get(client)

    assert len(built) == 1  # the page's own filters
