import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cocreate.webhooks.models import Event, WebhookDelivery, WebhookEndpoint
from cocreate.webhooks.services import webhook_event_emit
from cocreate.webhooks.signing import signature_matches
from cocreate.webhooks.targets import validate_target
from tests.factories.accounts import UserFactory, partner_member, staff
from tests.waiting import wait_until


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/hook",  # not https
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://localhost/hook",
    ],
)
def test_targets_outside_the_public_internet_are_refused(public_only, url):
    with pytest.raises(ValidationError):
        validate_target(url)


def test_a_public_https_address_is_accepted(public_only):
    validate_target("https://93.184.216.34/hook")


@pytest.mark.django_db
def test_an_event_reaches_the_audiences_and_staff_endpoints_that_subscribed():
    owner, stranger, admin = partner_member(), partner_member(), staff()
    mine = WebhookEndpoint.objects.create(
        owner=owner, url="https://a.example/h", events=["ticket.created"]
    )
    WebhookEndpoint.objects.create(
        owner=stranger, url="https://b.example/h", events=["ticket.created"]
    )
    WebhookEndpoint.objects.create(owner=owner, url="https://c.example/h", events=["post.adopted"])
    staffs = WebhookEndpoint.objects.create(
        owner=admin, url="https://d.example/h", events=["ticket.created"]
    )

    queued = webhook_event_emit(
        event=Event.TICKET_CREATED, payload={"number": "T-1"}, audience=[owner]
    )

    assert queued == 2
    assert set(WebhookDelivery.objects.values_list("endpoint", flat=True)) == {mine.pk, staffs.pk}


def test_delivery_through_a_real_worker_is_signed_and_retried_after_a_failure(
    celery_worker, receiver, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 1
    receiver.statuses = [500, 204]  # fails the first attempt
    owner = partner_member()
    url = receiver.url
    endpoint = WebhookEndpoint.objects.create(owner=owner, url=url, events=["post.adopted"])

    webhook_event_emit(event=Event.POST_ADOPTED, payload={"post": 7}, audience=[owner])

    wait_until(
        lambda: WebhookDelivery.objects.get().status != WebhookDelivery.Status.PENDING,
        timeout=60,
        message="the worker to end the delivery (a failed attempt, then one retried)",
    )
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert (delivery.attempts, delivery.response_status) == (2, 204)
    assert len(receiver.received) == 2
    headers, body = receiver.received[-1]
    assert signature_matches(
        secret=endpoint.secret,
        timestamp=int(headers["x-cocreate-timestamp"]),
        body=body,
        received=headers["x-cocreate-signature"],
    )
    assert json.loads(body)["data"] == {"post": 7}
    assert headers["x-cocreate-event"] == "post.adopted"


@pytest.mark.django_db
def test_customers_cannot_register_webhooks(client):
    client.force_login(UserFactory())

    assert client.get(reverse("webhooks:list")).status_code == 403
    response = client.post(
        "/api/v1/webhooks/",
        {"url": "https://x.example/", "events": ["ticket.created"]},
        content_type="application/json",
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_partner_registers_an_endpoint_on_the_page_and_removes_it(client):
    owner = partner_member()
    client.force_login(owner)

    client.post(
        reverse("webhooks:list"), {"url": "https://93.184.216.34/hook", "events": ["post.adopted"]}
    )
    endpoint = WebhookEndpoint.objects.get(owner=owner)
    assert endpoint.events == ["post.adopted"]

    client.post(reverse("webhooks:delete", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_api_rejects_a_private_target_and_an_unknown_event(client, public_only):
    client.force_login(partner_member())

    response = client.post(
        "/api/v1/webhooks/",
        {"url": "https://10.0.0.1/hook", "events": ["nope"]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"events"} or "url" in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_the_services_refusal_reaches_the_api_through_the_exception_handler(client):
    # The serializer takes an empty list; webhook_endpoint_create refuses it, on "events".
    client.force_login(partner_member())

    response = client.post(
        "/api/v1/webhooks/",
        {"url": "https://93.184.216.34/hook", "events": []},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "code": "invalid",
        "errors": {"events": ["Choose one or more known events."]},
    }
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_api_lists_only_own_endpoints_and_their_deliveries(client):
    owner = partner_member()
    endpoint = WebhookEndpoint.objects.create(
        owner=owner, url="https://a.example/h", events=["ticket.created"]
    )
    WebhookEndpoint.objects.create(
        owner=partner_member(), url="https://b.example/h", events=["ticket.created"]
    )
    WebhookDelivery.objects.create(endpoint=endpoint, event="ticket.created", payload={})
    client.force_login(owner)

    body = client.get("/api/v1/webhooks/").json()
    assert [item["url"] for item in body["results"]] == ["https://a.example/h"]
    deliveries = client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()
    assert deliveries["count"] == 1 and deliveries["results"][0]["status"] == "pending"


@pytest.mark.django_db
def test_api_reports_a_refused_target_on_the_url_field(client, public_only):
    client.force_login(partner_member())

    response = client.post(
        "/api/v1/webhooks/",
        {"url": "https://127.0.0.1/hook", "events": ["ticket.created"]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["url"]
    assert not WebhookEndpoint.objects.exists()
