"""Collision warning: who else has the ticket open (presence in Redis, polled by the page), and a
reply sent after someone else answered waits for the agent to read it."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from cocreate.core.degraded import degraded_counts
from service_desk import presence, services
from service_desk.models import TicketMessage
from tests.factories.accounts import agent
from tests.factories.service_desk import CannedResponseFactory, TicketFactory
from tests.redis_faults import refusing_redis_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def mei():
    return agent(username="mei_a", display_name="Mei")


def beat(client, ticket, state="viewing"):
    url = reverse("service_desk:desk_presence", args=[ticket.number])
    return client.post(url, {"state": state})


def test_an_agent_sees_who_else_is_viewing_or_typing(client, sam, mei):
    ticket, elsewhere = TicketFactory(), TicketFactory()
    client.force_login(mei)
    assert beat(client, ticket).content.decode().strip() == ""  # alone

    client.force_login(sam)
    assert "Mei is viewing" in beat(client, ticket).content.decode()
    assert "Mei" not in beat(client, elsewhere).content.decode()

    client.force_login(mei)
    html = beat(client, ticket, "typing").content.decode()
    assert "is viewing" in html and "Mei" not in html  # Mei sees sam, not herself

    client.force_login(sam)
    assert "Mei is typing a reply" in beat(client, ticket).content.decode()


def test_an_agent_whose_heartbeat_expired_is_gone(client, sam, mei, monkeypatch):
    ticket = TicketFactory()
    client.force_login(mei)
    beat(client, ticket)
    later = presence._now() + presence.EXPIRES_SECONDS + 1
    monkeypatch.setattr(presence, "_now", lambda: later)

    client.force_login(sam)
    assert "Mei" not in beat(client, ticket).content.decode()


def test_with_the_caches_redis_down_nobody_is_shown_and_the_page_works(client, settings, sam):
    ticket = TicketFactory()
    client.force_login(sam)
    before = degraded_counts().get("presence", 0)
    with refusing_redis_url(django_settings.CACHES["default"]["LOCATION"]) as url:
        settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": url}}

        response = beat(client, ticket)
        assert client.get(ticket.get_desk_url()).status_code == 200

    assert response.status_code == 200 and response.content.decode().strip() == ""
    assert degraded_counts()["presence"] == before + 1


def test_an_unknown_state_counts_as_viewing(client, sam, mei):
    ticket = TicketFactory()
    client.force_login(mei)
    beat(client, ticket, "<script>")

    client.force_login(sam)
    assert "Mei is viewing" in beat(client, ticket).content.decode()


def test_only_agents_may_beat_and_only_by_post(client, alice, sam):
    ticket = TicketFactory(customer=alice)
    url = reverse("service_desk:desk_presence", args=[ticket.number])

    assert client.post(url, {"state": "viewing"}).status_code == 302  # to the sign-in page
    client.force_login(alice)
    assert client.post(url, {"state": "viewing"}).status_code == 403
    client.force_login(sam)
    assert client.get(url).status_code == 405
    missing = reverse("service_desk:desk_presence", args=["T-999999"])
    assert client.post(missing, {"state": "viewing"}).status_code == 404


def test_the_page_polls_for_presence(client, sam):
    ticket = TicketFactory()
    client.force_login(sam)

    html = client.get(ticket.get_desk_url()).content.decode()

    assert f'hx-post="{reverse("service_desk:desk_presence", args=[ticket.number])}"' in html
    assert f"every {presence.HEARTBEAT_SECONDS}s" in html


def reply(client, ticket, body, seen):
    return client.post(ticket.get_desk_url(), {"form": "reply", "body": body, "seen_message": seen})


def test_a_reply_after_someone_else_answered_waits_for_confirmation(client, sam, mei):
    ticket = TicketFactory()
    client.force_login(sam)
    page = client.get(ticket.get_desk_url())
    seen = page.context["seen_message"]
    services.ticket_answer(ticket=ticket, author=mei, body="I sent a **new router**.")

    response = reply(client, ticket, "Please restart it.", seen)

    assert response.status_code == 409
    html = response.content.decode()
    assert html.index('data-testid="new-messages"') < html.index("<textarea")
    assert "<strong>new router</strong>" in html
    assert ">Please restart it.</textarea>" in html  # what sam typed is kept
    assert "Send anyway" in html
    assert not TicketMessage.objects.filter(ticket=ticket, author=sam).exists()

    newest = response.context["seen_message"]
    assert newest > seen
    assert reply(client, ticket, "Please restart it.", newest).status_code == 302
    assert TicketMessage.objects.filter(ticket=ticket, author=sam).count() == 1


def test_a_held_canned_reply_is_written_out_in_the_box(client, sam, mei):
    canned = CannedResponseFactory(body="Hi {customer}, a new unit is on its way.")
    ticket = TicketFactory()
    client.force_login(sam)
    seen = client.get(ticket.get_desk_url()).context["seen_message"]
    services.ticket_answer(ticket=ticket, author=mei, body="Refunded.")

    response = client.post(
        ticket.get_desk_url(),
        {"form": "reply", "body": "", "canned": canned.pk, "seen_message": seen},
    )

    assert response.status_code == 409
    assert "a new unit is on its way.</textarea>" in response.content.decode()


def test_own_messages_and_no_seen_id_send_at_once(client, sam):
    ticket = TicketFactory()
    client.force_login(sam)
    seen = client.get(ticket.get_desk_url()).context["seen_message"]
    services.ticket_answer(ticket=ticket, author=sam, body="First.", internal=True)

    assert reply(client, ticket, "Second.", seen).status_code == 302
    assert reply(client, ticket, "Third.", "").status_code == 302


def test_a_new_internal_note_also_asks_first(client, sam, mei):
    ticket = TicketFactory()
    client.force_login(sam)
    seen = client.get(ticket.get_desk_url()).context["seen_message"]
    services.ticket_answer(ticket=ticket, author=mei, body="Note to self", internal=True)

    response = reply(client, ticket, "Hello", seen)

    assert response.status_code == 409
    assert "Internal note" in response.content.decode()
