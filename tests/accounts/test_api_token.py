import pytest
from django.conf import settings

from cocreate.accounts.models import ApiToken
from cocreate.accounts.tokens import api_token_create
from tests.accounts.signing_in import with_totp
from tests.factories.accounts import UserFactory
from tests.totp import current_code

pytestmark = pytest.mark.django_db


def test_token_for_username_and_password_authenticates_api_calls(client):
    UserFactory(username="carol")

    response = client.post(
        "/api/v1/auth/token/",
        {"username": "carol", "password": settings.DEMO_PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 200
    token = response.json()["token"]
    listed = client.get("/api/v1/notifications/", headers={"Authorization": f"Token {token}"})
    assert listed.status_code == 200


def test_wrong_password_is_a_json_400(client):
    UserFactory(username="carol")

    response = client.post(
        "/api/v1/auth/token/",
        {"username": "carol", "password": "wrong"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "non_field_errors" in response.json()["errors"]


def test_a_token_past_the_limit_is_refused_on_name_by_the_service(client):
    carol = UserFactory(username="carol")
    for n in range(ApiToken.MAX_PER_USER):
        api_token_create(user=carol, name=f"script {n}")

    response = client.post(
        "/api/v1/auth/token/",
        {"username": "carol", "password": settings.DEMO_PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "code": "invalid",
        "errors": {"name": [f"Revoke a token first: {ApiToken.MAX_PER_USER} is the most."]},
    }


def test_api_without_credentials_is_401():
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/notifications/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def _ask_token(client, **fields):
    return client.post(
        "/api/v1/auth/token/",
        {"username": "carol", "password": settings.DEMO_PASSWORD, **fields},
        content_type="application/json",
    )


def test_an_account_with_two_factor_gets_a_token_only_with_its_code(client):
    secret, recovery_codes = with_totp(UserFactory(username="carol"))

    without = _ask_token(client)
    wrong = _ask_token(client, otp="000000" if current_code(secret) != "000000" else "111111")
    right = _ask_token(client, otp=current_code(secret))

    assert without.status_code == 400
    assert without.json()["code"] == "mfa_code_required"
    assert wrong.status_code == 400
    assert "otp" in wrong.json()["errors"]
    assert right.status_code == 200
    assert right.json()["token"]


def test_a_recovery_code_gets_a_token_once(client):
    _secret, recovery_codes = with_totp(UserFactory(username="carol"))

    first = _ask_token(client, otp=recovery_codes[0])
    again = _ask_token(client, otp=recovery_codes[0])

    assert first.status_code == 200
    assert again.status_code == 400
