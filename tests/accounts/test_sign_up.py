import re

import pytest
from django.urls import reverse

from cocreate.accounts.models import User
from cocreate.accounts.roles import Role
from cocreate.accounts.selectors import has_verified_email
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "a-Very-strong-passphrase-42"


def sign_up(client, **overrides):
    data = {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password1": STRONG,
        "password2": STRONG,
        "time_zone": "Europe/Berlin",
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


def test_sign_up_creates_a_signed_in_customer_in_their_time_zone(client):
    response = sign_up(client)

    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert user.role_names == {Role.CUSTOMER}
    assert user.time_zone == "Europe/Berlin"
    assert client.get(reverse("core:home")).context["user"] == user


def test_sign_up_sends_a_confirmation_link_that_verifies_the_address(client, mailoutbox):
    sign_up(client)
    user = User.objects.get(username="newcomer")
    assert not has_verified_email(user)

    [message] = mailoutbox
    assert message.to == ["newcomer@example.com"]
    assert message.subject == "Confirm your e-mail address for CoCreate"
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)
    assert client.post(link).status_code == 302

    assert has_verified_email(user)


def test_the_sign_up_form_asks_the_browser_for_its_time_zone(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert "data-detect-timezone" in html and 'name="time_zone"' in html


def test_unknown_time_zone_falls_back_to_utc(client):
    sign_up(client, time_zone="Mars/Olympus_Mons")

    assert User.objects.get(username="newcomer").time_zone == "UTC"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"username": "taken"}, "username", "already exists"),
        ({"password1": "123", "password2": "123"}, "password1", "too short"),
        ({"password2": "something-else-entirely"}, "password2", "same password"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"email": "TAKEN@example.com"}, "email", "already registered"),
    ],
)
def test_bad_sign_up_shows_the_error_on_the_form_and_creates_nothing(
    client, overrides, field, message
):
    UserFactory(username="taken", email="taken@example.com")

    response = sign_up(client, **overrides)

    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert message.encode() in response.content or field.encode() in response.content
    assert not User.objects.filter(username="newcomer").exists()
    assert User.objects.count() == 1


def test_signed_in_user_is_sent_home_from_sign_up(client):
    client.force_login(UserFactory())

    assert client.get(reverse("account_signup")).status_code == 302
