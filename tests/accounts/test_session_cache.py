"""Sessions read from the cache, kept in the database (cocreate/accounts/sessions.py): a
signed-in request asks the database nothing for its session, Redis down signs nobody out, and a
sign-out while Redis was down does not come back with it."""

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocreate.accounts import tasks
from cocreate.outbox.models import OutboxMessage
from tests.factories.accounts import customer
from tests.redis_faults import refusing_redis_url

pytestmark = pytest.mark.django_db


def _session_queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]


def _use_cache_at(settings, url: str) -> None:
    settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": url}}


def signed_in(client) -> bool:
    return client.get(reverse("profile")).status_code == 200


def test_a_signed_in_request_reads_its_session_from_the_cache(client):
    client.force_login(customer())

    assert _session_queries(client, reverse("profile")) == []


def test_with_the_caches_redis_down_people_stay_signed_in(client, settings):
    client.force_login(customer())
    client.get(reverse("profile"))

    with refusing_redis_url(settings.CACHES["default"]["LOCATION"]) as dead:
        _use_cache_at(settings, dead)
        assert len(_session_queries(client, reverse("profile"))) == 1
        assert signed_in(client)


def test_a_sign_out_while_redis_is_down_does_not_come_back_with_it(settings):
    browser = Client()
    browser.force_login(customer())
    assert signed_in(browser)  # the session's copy is in the cache now
    stolen = Client()
    stolen.cookies = browser.cookies.__class__(browser.cookies)
    live_cache = settings.CACHES["default"]["LOCATION"]

    with refusing_redis_url(live_cache) as dead:
        _use_cache_at(settings, dead)
        browser.post(reverse("account_logout"))
    _use_cache_at(settings, live_cache)
    (eviction,) = OutboxMessage.objects.filter(task=tasks.forget_cached_keys.name)
    tasks.forget_cached_keys(
        *eviction.args, **eviction.kwargs
    )  # what the outbox runs once the broker answers

    assert not signed_in(stolen)
