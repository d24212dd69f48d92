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
        reverse("account_login"), {"username": "carol", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("profile")).context["user"] == user

    client.post(reverse("account_logout"))
    assert client.get(reverse("profile")).status_code == 302


def test_wrong_password_shows_an_error(client):
    UserFactory(username="carol")

    response = client.post(reverse("account_login"), {"username": "carol", "password": "nope"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_profile_saves_preferences_and_rejects_an_unknown_time_zone(client):
    user = UserFactory()
    client.force_login(user)

    bad = client.post(
        reverse("profile"),
        {"email": user.email, "time_zone": "Nowhere/City", "language": "", "display_name": "C"},
    )
    assert bad.status_code == 200 and "time_zone" in bad.context["form"].errors

    client.post(
        reverse("profile"),
        {
            "email": user.email,
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
        reverse("account_password_change"),
        {
            "old_password": settings.DEMO_PASSWORD,
            "new_password1": "another-Strong-pass-77",
            "new_password2": "another-Strong-pass-77",
        },
    )

    user.refresh_from_db()
    assert user.check_password("another-Strong-pass-77")


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="carol@example.com")

    client.post(reverse("account_password_reset"), {"email": "carol@example.com"})

    assert len(mail.outbox) == 1
    link = re.search(r"/accounts/password/reset/\S+/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link).url  # Django swaps the token for a session marker
    client.post(
        form_url, {"new_password1": "brand-New-pass-99", "new_password2": "brand-New-pass-99"}
    )
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
