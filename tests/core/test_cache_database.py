"""The cache has its own Redis database, next to the Celery broker's."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from cocreate.core.redis_urls import redis_url_with_database_offset
from tests.conftest import clear_cache

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/5", "redis://127.0.0.1:6379/6"),
        ("redis://redis:6379", "redis://redis:6379/1"),
        ("redis://redis:6379/", "redis://redis:6379/1"),
        ("rediss://:secret@cache.example:6380/2", "rediss://:secret@cache.example:6380/3"),
        ("redis://h:6379/0?db=4&socket_timeout=2", "redis://h:6379/0?socket_timeout=2&db=5"),
        ("unix:///run/redis.sock", "unix:///run/redis.sock?db=1"),
        ("unix:///run/redis.sock?db=3", "unix:///run/redis.sock?db=4"),
    ],
)
def test_the_cache_database_is_the_next_one_on_the_same_server(url, expected):
    assert redis_url_with_database_offset(url, 1) == expected


def _settings_in_a_fresh_process(**env) -> str:
    inherited = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "REDIS_URL")}
    code = "from django.conf import settings; print(settings.CACHES['default']['LOCATION'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**inherited, "DJANGO_SETTINGS_MODULE": "cocreate.settings", "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_settings_derive_the_cache_from_redis_url_unless_cache_url_is_set():
    assert _settings_in_a_fresh_process(REDIS_URL="redis://r:6379/2") == "redis://r:6379/3"
    assert (
        _settings_in_a_fresh_process(REDIS_URL="redis://r:6379/2", CACHE_URL="redis://c:6379/0")
        == "redis://c:6379/0"
    )


def test_this_run_keeps_the_broker_and_the_cache_apart():
    assert settings.CACHES["default"]["LOCATION"] != settings.CELERY_BROKER_URL


def test_clearing_the_cache_between_tests_leaves_other_keys_alone():
    location = settings.CACHES["default"]["LOCATION"]
    client = redis.Redis.from_url(location)
    try:
        client.set("celery-queue-stand-in", "a queued task", ex=60)  # not one of our cache keys
        cache.set("counter", 1)

        clear_cache()

        assert cache.get("counter") is None
        assert client.get("celery-queue-stand-in") == b"a queued task"
    finally:
        client.delete("celery-queue-stand-in")
        client.close()


@pytest.mark.django_db
def test_healthz_is_503_when_the_cache_does_not_answer(client):
    unreachable = {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}

    with override_settings(CACHES={"default": unreachable}):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["redis"] == response.json()["cache"] == "unavailable"
    assert response.json()["broker"] == "ok"
