"""allauth's rate limits tell clients apart by the address the trusted proxies saw, as the API
throttles do (both from NUM_PROXIES): a forged X-Forwarded-For neither escapes the address's
limit nor causes one."""

import pytest
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

ADDRESS_LIMIT = 10  # the default "10/m/ip,…"


def _client_ip(forwarded_for=None):
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", headers=headers)
    return get_adapter(request).get_client_ip(request)


def test_allauth_trusts_as_many_proxies_as_the_api():
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


def test_without_proxies_the_address_is_the_connections_and_forwarded_for_is_ignored():
    assert _client_ip("198.51.100.1") == "192.0.2.10"
    assert _client_ip() == "192.0.2.10"


def test_behind_one_proxy_the_right_most_forwarded_address_is_the_client(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    assert _client_ip("10.9.9.9, 198.51.100.1") == "198.51.100.1"
    assert _client_ip("198.51.100.2") == "198.51.100.2"


def test_a_forged_forwarded_for_does_not_escape_the_address_limit(client):
    UserFactory(username="carol")
    for n in range(ADDRESS_LIMIT):
        client.post(
            reverse("account_login"),
            {"login": f"guess{n}", "password": "wrong"},
            headers={"x-forwarded-for": f"198.51.100.{n}"},
        )

    response = client.post(
        reverse("account_login"),
        {"login": "carol", "password": settings.DEMO_PASSWORD},
        headers={"x-forwarded-for": "198.51.100.200"},
    )

    assert "_auth_user_id" not in client.session
    errors = [str(error) for error in response.context["form"].non_field_errors()]
    assert any("Too many failed login attempts" in error for error in errors)
