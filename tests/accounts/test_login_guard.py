import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from cocreate.accounts import login_guard
from cocreate.core.clock import clock_at
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def fail_login(client, username="carol"):
    return client.post(reverse("account_login"), {"username": username, "password": "wrong"})


def login_error_code(response) -> str:
    return response.context["form"].non_field_errors().as_data()[0].code


def test_free_attempts_then_refused_even_with_the_right_password(client):
    UserFactory(username="carol")
    for _ in range(login_guard.FREE_ATTEMPTS):
        assert login_error_code(fail_login(client)) == "invalid_login"

    response = client.post(
        reverse("account_login"), {"username": "carol", "password": settings.DEMO_PASSWORD}
    )

    assert response.status_code == 200
    assert login_error_code(response) == "throttled"
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


# The guard reads the time from cocreate.core.clock: a test moves it with clock_at.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_delay_grows_with_each_failure():
    who = {"username": "carol", "client_ip": "203.0.113.9"}
    with clock_at(START):
        for _ in range(login_guard.FREE_ATTEMPTS):
            login_guard.login_failed(**who)
        first_wait = login_guard.login_wait_seconds(**who)

    with clock_at(START + timedelta(seconds=first_wait)):
        assert login_guard.login_wait_seconds(**who) == 0
        login_guard.login_failed(**who)

        assert 0 < first_wait < login_guard.login_wait_seconds(**who)


def test_waiting_out_the_delay_allows_a_successful_login(client):
    UserFactory(username="carol")
    with clock_at(START):
        for _ in range(login_guard.FREE_ATTEMPTS):
            fail_login(client)

    with clock_at(START + timedelta(seconds=login_guard.FIRST_DELAY_SECONDS + 1)):
        response = client.post(
            reverse("account_login"), {"username": "carol", "password": settings.DEMO_PASSWORD}
        )

    assert response.status_code == 302


def test_token_endpoint_answers_429_with_retry_after_when_locked(client):
    UserFactory(username="carol")
    for _ in range(login_guard.FREE_ATTEMPTS):
        client.post(
            "/api/v1/auth/token/",
            {"username": "carol", "password": "wrong"},
            content_type="application/json",
        )

    response = client.post(
        "/api/v1/auth/token/",
        {"username": "carol", "password": settings.DEMO_PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


def test_failures_counted_from_parallel_threads_all_count():
    threads_count, failures_each = 8, 25
    who = {"username": "carol", "client_ip": "203.0.113.9"}
    start = threading.Barrier(threads_count)

    def guess():
        start.wait()
        for _ in range(failures_each):
            login_guard.login_failed(**who)

    threads = [threading.Thread(target=guess) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    expected = threads_count * failures_each
    assert login_guard.login_failure_counts(**who) == (expected, expected)


def test_a_success_clears_the_account_record_but_not_the_address_record():
    who = {"username": "carol", "client_ip": "203.0.113.9"}
    for _ in range(login_guard.FREE_ATTEMPTS):
        login_guard.login_failed(**who)

    login_guard.login_succeeded(**who)

    assert login_guard.login_failure_counts(**who) == (0, login_guard.FREE_ATTEMPTS)
