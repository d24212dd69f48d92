"""Failed logins are limited by allauth's login_failed rate limit (ACCOUNT_RATE_LIMITS, set
from ACCOUNT_LOGIN_FAILED_RATE_LIMIT): per account name and per client address, one budget for
the login page and the API's token endpoint."""

import threading
import time

import pytest
from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit
from django import forms
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

KEY_LIMIT = 5  # the default "…,5/5m/key"


def fail_login(client, login="carol", **extra):
    return client.post(reverse("account_login"), {"login": login, "password": "wrong"}, **extra)


def log_in(client, login="carol"):
    return client.post(
        reverse("account_login"), {"login": login, "password": settings.DEMO_PASSWORD}
    )


def form_errors(response) -> list[str]:
    return [str(error) for error in response.context["form"].non_field_errors()]


def test_the_default_limit_is_five_failures_per_account_name_and_ten_per_address():
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"


def test_after_the_free_attempts_even_the_right_password_is_refused(client):
    UserFactory(username="carol")
    for _ in range(KEY_LIMIT):
        assert "The username and/or password you specified are not correct." in form_errors(
            fail_login(client)
        )

    response = log_in(client)

    assert response.status_code == 200
    assert any("Too many failed login attempts" in error for error in form_errors(response))
    assert "_auth_user_id" not in client.session


def test_the_account_name_counts_whatever_its_case_or_the_address_it_comes_from(client):
    UserFactory(username="carol")
    for n in range(KEY_LIMIT):
        fail_login(client, login="CaRoL", REMOTE_ADDR=f"198.51.100.{n}")

    response = log_in(client)

    assert "_auth_user_id" not in client.session
    assert any("Too many failed login attempts" in error for error in form_errors(response))


class _Later:
    """allauth's rate limits read time.time(): this module's clock, `seconds` ahead."""

    def __init__(self, seconds):
        self.seconds = seconds

    def time(self):
        return time.time() + self.seconds

    def monotonic(self):
        return time.monotonic()

    def sleep(self, seconds):
        time.sleep(seconds)


def test_once_the_period_is_over_the_right_password_logs_in(client, monkeypatch):
    UserFactory(username="carol")
    for _ in range(KEY_LIMIT):
        fail_login(client)

    monkeypatch.setattr(ratelimit, "time", _Later(5 * 60 + 1))
    response = log_in(client)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_success_does_not_count_and_does_not_wipe_earlier_failures(client):
    UserFactory(username="carol")
    for _ in range(KEY_LIMIT - 1):
        fail_login(client)
    assert log_in(client).status_code == 302
    client.logout()

    fail_login(client)  # the fifth failure: the success in between did not count
    response = log_in(client)

    assert "_auth_user_id" not in client.session
    assert any("Too many failed login attempts" in error for error in form_errors(response))


def test_the_token_endpoint_shares_the_budget_and_answers_429_with_retry_after(client):
    UserFactory(username="carol")
    for _ in range(KEY_LIMIT - 1):
        fail_login(client)
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
    assert int(response.headers["Retry-After"]) == 5 * 60
    assert response.json()["code"] == "throttled"


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_never_get_more_than_the_limit_checked():
    UserFactory(username="carol")
    threads_count, guesses_each = 8, 3
    start = threading.Barrier(threads_count)
    checked, refused = [], []

    def guess():
        start.wait()
        for _ in range(guesses_each):
            request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.9")
            try:
                get_adapter(request).authenticate(request, username="carol", password="wrong")
            except forms.ValidationError:
                refused.append(1)
            else:
                checked.append(1)

    threads = [threading.Thread(target=guess) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(checked) <= KEY_LIMIT
    assert len(checked) + len(refused) == threads_count * guesses_each
