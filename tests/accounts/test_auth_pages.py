import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories.accounts import UserFactory, agent, designer, staff

pytestmark = pytest.mark.django_db


def test_log_in_and_out(client):
    user = UserFactory(username="carol")

    response = client.post(
        reverse("account_login"), {"login": "carol", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("profile")).context["user"] == user

    client.post(reverse("account_logout"))
    assert client.get(reverse("profile")).status_code == 302


def test_log_in_with_the_e_mail_address(client):
    user = UserFactory(username="carol", email="carol@example.com")

    response = client.post(
        reverse("account_login"), {"login": "Carol@Example.com", "password": settings.DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert client.get(reverse("profile")).context["user"] == user


def test_wrong_password_shows_an_error(client):
    UserFactory(username="carol")

    response = client.post(reverse("account_login"), {"login": "carol", "password": "nope"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_a_login_error_does_not_tell_whether_the_account_exists(client):
    UserFactory(username="carol", email="carol@example.com")

    def error(login):
        response = client.post(reverse("account_login"), {"login": login, "password": "nope"})
        return list(response.context["form"].non_field_errors())

    assert error("carol") == error("nobody")
    assert error("carol@example.com") == error("nobody@example.com")


def test_profile_saves_preferences_and_rejects_an_unknown_time_zone(client):
    user = UserFactory()
    client.force_login(user)

    bad = client.post(
        reverse("profile"),
        {"time_zone": "Nowhere/City", "language": "", "display_name": "C"},
    )
    assert bad.status_code == 200 and "time_zone" in bad.context["form"].errors

    client.post(
        reverse("profile"),
        {
            "time_zone": "Asia/Shanghai",
            "language": "zh-hans",
            "display_name": "Carol",
        },
    )
    user.refresh_from_db()
    assert (user.time_zone, user.language, user.public_name) == (
        "Asia/Shanghai",
        "zh-hans",
        "Carol",
    )


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)

    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": settings.DEMO_PASSWORD,
            "password1": "another-Strong-pass-77",
            "password2": "another-Strong-pass-77",
        },
    )

    user.refresh_from_db()
    assert user.check_password("another-Strong-pass-77")


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="carol@example.com")

    client.post(reverse("account_reset_password"), {"email": "carol@example.com"})

    assert len(mail.outbox) == 1
    link = re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link).url  # allauth swaps the key for a session marker
    client.post(form_url, {"password1": "brand-New-pass-99", "password2": "brand-New-pass-99"})
    user.refresh_from_db()
    assert user.check_password("brand-New-pass-99")


@pytest.mark.parametrize(
    ("make_user", "visible", "hidden"),
    [
        (UserFactory, ["Log out"], ["Admin"]),
        (agent, ["Log out"], ["Admin"]),
        (designer, ["Log out"], ["Admin"]),
        (staff, ["Admin"], []),
    ],
)
def test_navigation_fits_the_role(client, make_user, visible, hidden):
    client.force_login(make_user())

    html = client.get(reverse("core:home")).content.decode()

    for text in visible:
        assert text in html
    for text in hidden:
        assert f">{text}<" not in html


def test_anonymous_navigation_offers_log_in_and_sign_up(client):
    html = client.get(reverse("core:home")).content.decode()

    assert reverse("account_login") in html and reverse("account_signup") in html


def test_an_old_reset_link_sends_to_the_reset_page_saying_it_expired(client):
    response = client.get("/accounts/password/reset/Mg/c4k2v1-0123456789abcdef/", follow=True)

    assert response.redirect_chain == [(reverse("account_reset_password"), 301)]
    assert "That password reset link has expired." in response.content.decode()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/accounts/password/reset/sent/", "account_reset_password_done"),
        ("/accounts/password/change/done/", "profile"),
    ],
)
def test_the_other_moved_pages_redirect_permanently(client, old, new):
    response = client.get(old)

    assert response.status_code == 301 and response.url == reverse(new)


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ],
)
def test_the_bookmarked_pages_stay_where_they_were(client, path):
    assert client.get(path).status_code == 200


def test_past_an_account_rate_limit_the_answer_is_our_429_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "1/m/ip"}
    client.post(reverse("account_reset_password"), {"email": "a@example.com"})

    response = client.post(reverse("account_reset_password"), {"email": "b@example.com"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "skip-link" in response.content.decode()  # in the site's shell
