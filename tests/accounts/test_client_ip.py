"""The login guard tells clients apart by the address the trusted proxies saw (NUM_PROXIES),
as the API throttles do: a forged X-Forwarded-For neither escapes a lockout nor causes one."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cocreate.accounts import login_guard
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def num_proxies(settings):
    def set_to(count):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return set_to


def _request(forwarded_for=None):
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    return RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", headers=headers)


def test_without_proxies_the_address_is_the_connections_and_forwarded_for_is_ignored():
    assert login_guard.client_ip(_request("198.51.100.1")) == "192.0.2.10"
    assert login_guard.client_ip(_request()) == "192.0.2.10"


def test_behind_one_proxy_the_right_most_forwarded_address_is_the_client(num_proxies):
    num_proxies(1)

    assert login_guard.client_ip(_request("10.9.9.9, 198.51.100.1")) == "198.51.100.1"
    assert login_guard.client_ip(_request("198.51.100.2")) == "198.51.100.2"
    assert login_guard.client_ip(_request()) == "192.0.2.10"


def test_a_forged_forwarded_for_does_not_escape_the_address_lockout(client):
    UserFactory(username="carol")
    for n in range(login_guard.FREE_ATTEMPTS):
        client.post(
            reverse("account_login"),
            {"username": f"guess{n}", "password": "wrong"},
            headers={"x-forwarded-for": f"198.51.100.{n}"},
        )

    response = client.post(
        reverse("account_login"),
        {"username": "guess-next", "password": "wrong"},
        headers={"x-forwarded-for": "198.51.100.200"},
    )

    errors = response.context["form"].non_field_errors().as_data()
    assert errors[0].code == "throttled"
