import pytest
from django.conf import settings

from cocreate.accounts.models import ApiToken
from cocreate.accounts.tokens import api_token_create
from tests.factories.accounts import UserFactory

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
