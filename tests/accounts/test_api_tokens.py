"""Named API tokens: made on the profile page (key shown once), listed, revoked; stored hashed."""

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from cocreate.accounts.models import ApiToken
from cocreate.accounts.tokens import api_token_create
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _status_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/notifications/").status_code


def _create_on_profile(client, name):
    response = client.post(reverse("token_create"), {"name": name})
    assert response.status_code == 200
    return response.context["new_key"]


def test_a_token_made_on_the_profile_shows_its_key_once_and_authenticates(client):
    user = UserFactory()
    client.force_login(user)

    key = _create_on_profile(client, "ERP sync")

    assert _status_with(key) == 200
    token = ApiToken.objects.get(user=user)
    assert token.name == "ERP sync" and key.startswith(token.prefix)
    assert key not in {token.key_hash, token.prefix}  # only a hash is stored
    later = client.get(reverse("profile")).content.decode()
    assert "ERP sync" in later and token.prefix in later
    assert key not in later


def test_the_profile_lists_several_tokens_and_revoking_one_leaves_the_other(client):
    user = UserFactory()
    client.force_login(user)
    erp, shop = _create_on_profile(client, "ERP"), _create_on_profile(client, "Shop")

    assert list(
        client.get(reverse("profile")).context["tokens"].values_list("name", flat=True)
    ) == [
        "Shop",
        "ERP",
    ]
    client.post(reverse("token_revoke", args=[ApiToken.objects.get(name="ERP").pk]))

    assert _status_with(erp) == 401
    assert _status_with(shop) == 200
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["Shop"]


def test_a_second_token_of_the_same_name_is_refused_on_the_page(client):
    client.force_login(UserFactory())
    _create_on_profile(client, "ERP")

    response = client.post(reverse("token_create"), {"name": "ERP"})

    assert response.status_code == 400
    assert "name" in response.context["token_form"].errors
    assert ApiToken.objects.count() == 1


def test_nobody_revokes_someone_elses_token(client):
    _token, key = api_token_create(user=UserFactory(), name="theirs")
    client.force_login(UserFactory())

    response = client.post(reverse("token_revoke", args=[_token.pk]))

    assert response.status_code == 404
    assert _status_with(key) == 200


def test_the_token_endpoint_replaces_the_token_of_the_same_name(client):
    UserFactory(username="carol")
    credentials = {"username": "carol", "password": settings.DEMO_PASSWORD}

    def obtain(**extra):
        response = client.post(
            "/api/v1/auth/token/", {**credentials, **extra}, content_type="application/json"
        )
        assert response.status_code == 200
        return response.json()["token"]

    first, second, ci = obtain(), obtain(), obtain(name="CI")

    assert _status_with(first) == 401
    assert _status_with(second) == 200 and _status_with(ci) == 200
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["API", "CI"]


def test_use_is_recorded_as_last_used():
    token, key = api_token_create(user=UserFactory(), name="ERP")
    assert token.last_used_at is None

    _status_with(key)

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_inactive_users_token_is_refused():
    user = UserFactory()
    _token, key = api_token_create(user=user, name="ERP")
    user.is_active = False
    user.save()

    assert _status_with(key) == 401


def test_a_wrong_token_is_a_json_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")

    response = client.get("/api/v1/notifications/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
