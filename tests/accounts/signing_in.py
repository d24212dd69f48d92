"""Signing in as a person does, with and without a second factor, for the accounts' tests."""

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.urls import reverse

from tests.totp import current_code


def sign_in(client, user):
    """Through the login page, as a person does."""
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302, response.content
    return response


def confirm_password(client):
    """allauth asks for the password again before a second factor is added or removed."""
    response = client.post(reverse("account_reauthenticate"), {"password": settings.DEMO_PASSWORD})
    assert response.status_code == 302, response.content


def enrol_totp(client) -> str:
    """Activate an authenticator app on the enrolment page; return its secret."""
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()  # shown, for an app that cannot scan
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302, response.content
    return secret


def with_totp(user) -> tuple[str, list[str]]:
    """`user` enrolled with an authenticator app and recovery codes: (secret, codes)."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret, RecoveryCodes.activate(user).generate_codes()


def sign_in_with_code(client, user, code):
    """Password, then the code on allauth's second step: its answer to the code."""
    response = sign_in(client, user)
    assert response["Location"] == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": code})
