"""The per-user and anonymous API limits apply everywhere, and clients are told apart by the
address the trusted proxies saw (NUM_PROXIES), not by what a client claims in X-Forwarded-For."""

import time

import pytest
from django.urls import get_resolver
from redis.connection import Connection
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle

from cocreate.core.throttling import FailOpenMixin, UserRateThrottle
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


# --- The counter: constant cost, 429 with Retry-After, a window, one budget per client ---------


class _SentToRedis:
    """Counts the commands and bytes this process writes to Redis (a spy: Redis still answers)."""

    def __init__(self, monkeypatch):
        self.commands = self.bytes = 0
        send = Connection.send_packed_command
        spy = self

        def counted(connection, command, check_health=True):
            chunks = [command] if isinstance(command, bytes | str) else command
            spy.commands += 1
            spy.bytes += sum(len(chunk) for chunk in chunks)
            return send(connection, command, check_health)

        monkeypatch.setattr(Connection, "send_packed_command", counted)

    def during(self, call) -> tuple[int, int]:
        commands, sent = self.commands, self.bytes
        call()
        return self.commands - commands, self.bytes - sent


def test_a_throttle_costs_the_same_however_many_requests_the_window_holds(monkeypatch):
    """DRF's SimpleRateThrottle stores each request's time in one cached list, written back whole
    on every request: with a high rate each request cost more than the one before."""
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "user": "1000/minute"},
    )
    request = APIRequestFactory().get("/api/v1/parts/")
    request.user = UserFactory()
    sent = _SentToRedis(monkeypatch)

    def check():
        assert UserRateThrottle().allow_request(request, view=None)

    check()
    second = sent.during(check)
    for _ in range(300):
        check()
    three_hundred_and_third = sent.during(check)

    assert second == three_hundred_and_third
    assert second[0] == 1  # one round trip


def test_past_the_limit_the_answer_is_429_saying_when_to_come_back(low_rates):
    client = APIClient()
    client.force_authenticate(UserFactory())

    answers = [client.get("/api/v1/parts/") for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "throttled"
    assert 0 < int(answers[2]["Retry-After"]) <= 60


def test_the_budget_comes_back_when_the_window_ends(monkeypatch):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "anon": "2/second"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = APIClient()

    before = _statuses(client, "/api/v1/parts/")
    time.sleep(1.1)  # Redis expires the window's counter
    after = _statuses(client, "/api/v1/parts/")

    assert before == after == [200, 200, 429]


def test_each_account_has_its_own_budget_and_the_address_one_for_the_anonymous(low_rates):
    first, second = APIClient(), APIClient()
    first.force_authenticate(UserFactory())
    second.force_authenticate(UserFactory())

    # one address (the test client's) for all three
    assert _statuses(first, "/api/v1/parts/") == [200, 200, 429]
    assert _statuses(second, "/api/v1/parts/") == [200, 200, 429]
    assert _statuses(APIClient(), "/api/v1/parts/") == [200, 200, 429]
