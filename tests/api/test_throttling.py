"""The per-user and anonymous API limits apply everywhere, and clients are told apart by the
address the trusted proxies saw (NUM_PROXIES), not by what a client claims in X-Forwarded-For."""

import pytest
from django.urls import get_resolver
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from cocreate.core.throttling import FailOpenMixin
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(monkeypatch):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "anon": "2/minute", "user": "2/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture
def num_proxies(settings):
    def set_to(count):
        # Replacing the setting reloads DRF's api_settings (setting_changed).
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return set_to


def _statuses(client, path, count=3, **headers):
    return [client.get(path, headers=headers).status_code for _ in range(count)]


def test_the_community_feed_keeps_the_anonymous_limit_beside_its_own(low_rates):
    assert _statuses(APIClient(), "/api/v1/posts/") == [200, 200, 429]


def test_the_community_feed_keeps_the_per_user_limit_beside_its_own(low_rates):
    client = APIClient()
    client.force_authenticate(UserFactory())

    assert _statuses(client, "/api/v1/posts/") == [200, 200, 429]


def test_partner_applications_keep_the_per_user_limit_beside_their_own(low_rates):
    # Anonymous callers get a 401 there before any throttle: the user limit is what applies.
    client = APIClient()
    client.force_authenticate(UserFactory())

    assert _statuses(client, "/api/v1/partners/applications/") == [200, 200, 429]


def test_partner_applications_are_refused_not_throttled_without_credentials(low_rates):
    assert _statuses(APIClient(), "/api/v1/partners/applications/") == [401, 401, 401]


def test_by_default_a_client_supplied_forwarded_for_does_not_make_a_new_client(low_rates):
    client = APIClient()

    statuses = [
        client.get("/api/v1/parts/", headers={"x-forwarded-for": f"198.51.100.{n}"}).status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]


def test_behind_one_proxy_the_address_it_appended_identifies_the_client(low_rates, num_proxies):
    num_proxies(1)
    client = APIClient()
    # The client forges the left-most entry; the proxy appends the address it saw.
    first = _statuses(client, "/api/v1/parts/", **{"x-forwarded-for": "10.0.0.1, 203.0.113.7"})
    forged_again = _statuses(
        client, "/api/v1/parts/", count=1, **{"x-forwarded-for": "10.0.0.2, 203.0.113.7"}
    )
    another_client = _statuses(
        client, "/api/v1/parts/", count=1, **{"x-forwarded-for": "10.0.0.1, 203.0.113.8"}
    )

    assert first == [200, 200, 429]
    assert forged_again == [429]
    assert another_client == [200]


def test_the_token_endpoint_keeps_the_anonymous_limit_beside_its_own(low_rates):
    client = APIClient()

    statuses = [
        client.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}).status_code
        for _ in range(3)
    ]

    assert statuses == [400, 400, 429]


def _api_views(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _api_views(pattern.url_patterns)
        elif hasattr(pattern.callback, "cls"):
            yield pattern.callback.cls


def test_every_api_rate_throttle_lets_requests_through_while_the_cache_is_down():
    """DRF's own rate throttles answer 500 when Redis is down; ours fail open
    (cocreate/core/throttling.py, tests/core/test_cache_outage.py)."""
    resolver = get_resolver()
    throttles = {
        throttle
        for view in _api_views(resolver.url_patterns)
        for throttle in getattr(view, "throttle_classes", [])
    }

    assert throttles
    assert [
        throttle
        for throttle in throttles
        if issubclass(throttle, SimpleRateThrottle) and not issubclass(throttle, FailOpenMixin)
    ] == []
