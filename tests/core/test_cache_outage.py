"""The cache with its Redis down: reads are misses, writes are skipped, counters raise
CacheUnavailable, and rate limits, API throttles and the login rate limit let requests through,
each counted (/healthz "degraded") and logged. Site-wide behaviour: test_redis_outage.py."""

import logging
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from cocreate.core import degraded
from cocreate.core.cache import CacheUnavailable, cache_required
from cocreate.core.ratelimit import RateLimit, rate_limit_hit
from tests.factories.accounts import UserFactory
from tests.redis_faults import HangingProxy, refusing_redis_url


def _use_cache_at(settings, url: str, **params) -> None:
    settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": url, **params}}


@pytest.fixture
def refusing_cache(settings):
    with refusing_redis_url(settings.CACHES["default"]["LOCATION"]) as url:
        _use_cache_at(settings, url)
        yield url


@pytest.fixture
def every_warning(monkeypatch, caplog):
    """Each degraded operation logs (not only the first in a minute), captured by caplog."""
    monkeypatch.setattr(degraded, "LOG_INTERVAL_SECONDS", 0)
    caplog.set_level(logging.WARNING, logger="cocreate.degraded")
    return caplog


def _count(kind: str) -> int:
    return degraded.degraded_counts().get(kind, 0)


def test_reads_are_misses_and_writes_do_nothing(refusing_cache):
    cache.set("a", 1)
    cache.set_many({"b": 2})

    assert cache.get("a") is None
    assert cache.get("a", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.get_or_set("c", 3) == 3
    assert cache.add("d", 4) is False
    assert cache.has_key("a") is False
    assert cache.touch("a") is False
    assert cache.delete("a") is False
    cache.delete_many(["a", "b"])


def test_counters_raise_cache_unavailable_having_no_honest_miss(refusing_cache):
    with pytest.raises(CacheUnavailable):
        cache.incr("counter")


def test_inside_cache_required_every_operation_raises(refusing_cache):
    with cache_required(), pytest.raises(CacheUnavailable):
        cache.get("a")


def test_each_skipped_operation_is_counted_and_logged(refusing_cache, every_warning):
    before = _count("cache")

    cache.get("a")
    cache.set("a", 1)

    assert _count("cache") == before + 2
    assert "cache get" in every_warning.text
    assert "cache set" in every_warning.text


def test_warnings_are_rate_limited_but_every_operation_counts(refusing_cache, caplog):
    caplog.set_level(logging.WARNING, logger="cocreate.degraded")
    cache.get("a")  # a warning now, or one was logged less than a minute ago
    caplog.clear()
    before = _count("cache")

    for _ in range(5):
        cache.get("a")

    assert _count("cache") == before + 5
    assert caplog.text == ""


@pytest.fixture
def proxied_cache(settings):
    """The cache behind a proxy that the test can hang; Redis is asked again at once after a
    failure (RECHECK_SECONDS 0) unless the test says otherwise."""
    real = urlsplit(settings.CACHES["default"]["LOCATION"])
    proxy = HangingProxy((real.hostname, real.port))
    _use_cache_at(settings, proxy.url_for(settings.CACHES["default"]["LOCATION"]))
    yield proxy
    proxy.close()


def test_a_hung_cache_is_a_miss_and_the_cache_works_again_once_redis_answers(
    proxied_cache, settings
):
    _use_cache_at(settings, settings.CACHES["default"]["LOCATION"], RECHECK_SECONDS=0)
    cache.set("answer", 42)
    assert cache.get("answer") == 42

    proxied_cache.hang()
    assert cache.get("answer") is None

    proxied_cache.answer()
    assert cache.get("answer") == 42


def test_after_a_failure_redis_is_left_alone_until_the_recheck(proxied_cache, settings):
    _use_cache_at(settings, settings.CACHES["default"]["LOCATION"], RECHECK_SECONDS=3600)
    cache.set("answer", 42)
    proxied_cache.hang()
    assert cache.get("answer") is None  # waited for the socket timeout

    proxied_cache.answer()

    # Redis answers again, but the cache does not ask it before RECHECK_SECONDS have passed:
    # a hung server costs one timeout per period, not one per operation.
    assert cache.get("answer") is None


def test_a_rate_limit_fails_open_with_a_warning_and_a_count(refusing_cache, every_warning):
    before = _count("rate_limit")

    waits = [rate_limit_hit(key="outage", rate=RateLimit(1, 60)) for _ in range(3)]

    assert waits == [None, None, None]
    assert _count("rate_limit") == before + 3
    assert "rate limit outage not enforced" in every_warning.text


@pytest.mark.django_db
def test_api_throttles_fail_open_with_a_warning_and_a_count(
    refusing_cache, every_warning, monkeypatch
):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "anon": "1/minute", "user": "1/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    before = _count("throttle")
    signed_in = APIClient()
    signed_in.force_authenticate(UserFactory())

    anonymous = [APIClient().get("/api/v1/parts/").status_code for _ in range(3)]
    users = [signed_in.get("/api/v1/parts/").status_code for _ in range(3)]

    assert anonymous == users == [200, 200, 200]
    assert _count("throttle") >= before + 6  # each request at least once
    assert "API throttle anon not enforced" in every_warning.text
    assert "API throttle user not enforced" in every_warning.text


@pytest.mark.django_db
def test_the_account_rate_limits_fail_open_with_a_warning_and_a_count(
    refusing_cache, every_warning, client
):
    UserFactory(username="carol")
    before = _count("account_rate_limit")
    attempts = 5 + 2  # past the account name's limit of 5 failures

    for _ in range(attempts - 1):
        client.post(reverse("account_login"), {"login": "carol", "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": "carol", "password": django_settings.DEMO_PASSWORD}
    )

    assert response.status_code == 302 and "_auth_user_id" in client.session
    # each POST passes the "login" limit, and the password check the "login_failed" one
    assert _count("account_rate_limit") >= before + 2 * attempts
    assert "account rate limit not checked" in every_warning.text


@pytest.mark.django_db
def test_healthz_shows_the_degraded_counts(refusing_cache, client):
    cache.get("a")

    counts = client.get("/healthz").json()["degraded"]

    assert counts["cache"] >= 1


@pytest.mark.django_db
def test_throttles_counted_together_fail_open_with_a_warning_and_a_count(
    refusing_cache, every_warning
):
    from community.models import Vote
    from tests.factories.community import PostFactory

    before = _count("throttle")
    voter = APIClient()
    voter.force_authenticate(UserFactory())
    post = PostFactory()

    assert voter.post(f"/api/v1/posts/{post.pk}/vote/").status_code == 200
    assert Vote.objects.filter(post=post).count() == 1
    assert _count("throttle") == before + 2  # the caller's API rate and the vote's
    assert "API throttle user not enforced" in every_warning.text
