"""The /webhooks/ page: each owner's endpoints and their latest deliveries, in bounded queries."""

import pytest
from django.contrib.auth.models import Group
from django.db.models.signals import post_init
from django.urls import reverse

from cocreate.accounts.roles import Role
from cocreate.webhooks.models import WebhookDelivery, WebhookEndpoint
from cocreate.webhooks.selectors import RECENT_DELIVERIES
from tests.factories.accounts import agent, customer, partner_member, staff

pytestmark = pytest.mark.django_db

PAGE = reverse("webhooks:list")


def _endpoint(owner, url="https://hooks.example/h", deliveries=0, **fields):
    endpoint = WebhookEndpoint.objects.create(owner=owner, url=url, events=["post.adopted"])
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event="post.adopted", payload={"n": n}, **fields)
        for n in range(deliveries)
    )
    return endpoint


def _shown(response):
    return {
        e.url: [d.payload["n"] for d in e.recent_deliveries] for e in response.context["endpoints"]
    }


def test_the_owner_sees_the_delivery_log_of_their_endpoints(client):
    owner = partner_member()
    _endpoint(
        owner,
        deliveries=1,
        status=WebhookDelivery.Status.FAILED,
        attempts=6,
        response_status=502,
        last_error="BadStatusLine: garbage",
    )
    client.force_login(owner)

    html = client.get(PAGE).content.decode()

    assert "https://hooks.example/h" in html
    assert "BadStatusLine: garbage" in html and "502" in html and "Failed" in html


def test_another_partner_member_sees_none_of_it(client):
    _endpoint(partner_member(), deliveries=1, last_error="BadStatusLine: garbage")
    client.force_login(partner_member())

    response = client.get(PAGE)

    assert response.context["endpoints"] == []
    html = response.content.decode()
    assert "hooks.example" not in html and "BadStatusLine" not in html


def test_each_endpoint_shows_its_latest_deliveries_newest_first(client):
    owner = partner_member()
    _endpoint(owner, "https://a.example/h", deliveries=RECENT_DELIVERIES + 5)
    _endpoint(owner, "https://b.example/h", deliveries=2)
    client.force_login(owner)

    shown = _shown(client.get(PAGE))

    assert shown["https://a.example/h"] == list(range(RECENT_DELIVERIES + 4, 4, -1))
    assert shown["https://b.example/h"] == [1, 0]


@pytest.mark.parametrize(("endpoints", "deliveries"), [(1, 1), (4, 3 * RECENT_DELIVERIES)])
def test_the_page_runs_the_same_queries_whatever_the_log_size(
    client, django_assert_num_queries, endpoints, deliveries
):
    owner = partner_member()
    for n in range(endpoints):
        _endpoint(owner, f"https://{n}.example/h", deliveries=deliveries)
    client.force_login(owner)

    # session, user, roles, endpoints, their latest deliveries (one query for all), the
    # header's unread notifications
    with django_assert_num_queries(5):
        response = client.get(PAGE)

    assert response.status_code == 200
    assert all(len(e.recent_deliveries) <= RECENT_DELIVERIES for e in response.context["endpoints"])


@pytest.fixture
def former_partner(client):
    owner = partner_member()
    endpoint = _endpoint(owner, deliveries=1)
    owner.groups.remove(Group.objects.get(name=Role.PARTNER_MEMBER))
    client.force_login(owner)
    return endpoint


def test_an_owner_who_lost_the_partner_role_is_told_their_endpoints_receive_nothing(
    client, former_partner
):
    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "no longer a partner member" in html
    assert "https://hooks.example/h" in html
    assert response.context["form"] is None and "Add endpoint" not in html


def test_an_owner_who_lost_the_partner_role_cannot_add_but_can_remove(client, former_partner):
    added = client.post(PAGE, {"url": "https://93.184.216.34/h", "events": ["post.adopted"]})
    removed = client.post(reverse("webhooks:delete", args=[former_partner.pk]))

    assert added.status_code == 403 and removed.status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_a_pending_delivery_of_a_former_partner_is_not_sent(former_partner, receiver):
    from cocreate.webhooks.services import webhook_delivery_attempt

    former_partner.url = receiver.url
    former_partner.save()
    delivery = former_partner.deliveries.get()

    webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "no longer a partner member" in delivery.last_error
    assert receiver.received == []


def test_the_page_loads_only_the_deliveries_it_shows(client):
    owner = partner_member()
    for n in range(3):
        _endpoint(owner, f"https://{n}.example/h", deliveries=3 * RECENT_DELIVERIES)
    client.force_login(owner)
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance)

    post_init.connect(count, sender=WebhookDelivery)
    try:
        client.get(PAGE)
    finally:
        post_init.disconnect(count, sender=WebhookDelivery)

    assert len(loaded) == 3 * RECENT_DELIVERIES


@pytest.mark.parametrize("make_user", [customer, agent, partner_member, staff])
def test_the_profile_links_to_webhooks_exactly_for_those_who_may_use_them(client, make_user):
    """The profile's webhooks panel follows may_use_webhooks, as the page itself does."""
    client.force_login(make_user())

    profile = client.get(reverse("profile")).content.decode()
    allowed = client.get(PAGE).status_code == 200

    assert ("Manage webhooks" in profile) == allowed
