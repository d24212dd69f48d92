"""Two-factor sign-in: enrolment, the roles that must enrol, and the codes refused and why."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.checks import run_checks
from django.urls import reverse

from cocreate.accounts.tokens import api_token_create
from tests.accounts.signing_in import (
    confirm_password,
    enrol_totp,
    sign_in,
    sign_in_with_code,
    with_totp,
)
from tests.factories.accounts import UserFactory, agent, customer, staff
from tests.redis_faults import refusing_redis_url
from tests.totp import PERIOD_SECONDS, current_code, totp_code

pytestmark = pytest.mark.django_db

MFA_REQUIRED = "Your role requires two-factor sign-in."


def code_errors(response) -> list[str]:
    return response.context["form"].errors["code"]


# --- Enrolment -----------------------------------------------------------------------------


def test_the_profile_links_to_two_factor_sign_in_and_says_whether_it_is_on(client):
    user = customer()
    client.force_login(user)

    page = client.get(reverse("profile")).content.decode()
    assert reverse("mfa_index") in page and 'data-testid="mfa-status">off<' in page

    with_totp(user)
    page = client.get(reverse("profile")).content.decode()
    assert 'data-testid="mfa-status">on<' in page and "Manage two-factor sign-in" in page


def test_enrolling_an_authenticator_app_with_a_code_computed_from_its_secret(client):
    user = customer()
    sign_in(client, user)
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    confirm_password(client)

    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'class="qr-code"' in page and "account-layout" in page  # our layout, the QR code

    secret = enrol_totp(client)

    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # Recovery codes come with it, to sign in without the phone.
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
    assert totp.validate_code(current_code(secret))


def test_a_wrong_code_does_not_enrol(client):
    user = customer()
    sign_in(client, user)
    confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]

    response = client.post(
        reverse("mfa_activate_totp"), {"code": totp_code(secret, at=time.time() - 600)}
    )

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()


def test_the_two_factor_pages_render_in_our_layout(client):
    user = customer()
    secret, _codes = with_totp(user)
    sign_in_with_code(client, user, current_code(secret))
    confirm_password(client)

    for name in ("mfa_index", "mfa_view_recovery_codes", "mfa_list_webauthn", "mfa_add_webauthn"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        page = response.content.decode()
        assert "account-layout" in page and 'class="panel account-panel"' in page, name
        assert 'class="site-header"' in page, name


def test_adding_a_passkey_begins_a_registration(client):
    """The browser's part of the ceremony needs an authenticator (tests/e2e/test_two_factor.py
    has Chromium's virtual one): here, the page hands it the server's challenge."""
    user = customer()
    sign_in(client, user)
    confirm_password(client)

    response = client.get(reverse("mfa_add_webauthn"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "account-layout" in page and 'id="mfa_webauthn_add"' in page
    assert '"challenge"' in page and '"rp"' in page
    assert client.session["mfa.webauthn.state"]["challenge"]
    assert "/static/mfa/js/webauthn.js" in page


# --- Signing in with a second factor -------------------------------------------------------


def test_signing_in_asks_for_the_code_after_the_password(client):
    user = customer()
    secret, _codes = with_totp(user)

    response = sign_in_with_code(client, user, current_code(secret))

    assert response.status_code == 302
    assert client.get(reverse("profile")).context["user"] == user


def test_a_replayed_code_is_refused_and_says_so(client):
    user = customer()
    secret, _codes = with_totp(user)
    code = current_code(secret)
    assert sign_in_with_code(client, user, code).status_code == 302
    client.post(reverse("account_logout"))

    response = sign_in_with_code(client, user, code)

    assert response.status_code == 200
    assert code_errors(response) == [
        "This code was already used. Wait for your authenticator app to show the next one."
    ]
    assert client.get(reverse("profile")).status_code == 302  # not signed in


def test_an_expired_code_is_refused_and_says_so(client):
    user = customer()
    secret, _codes = with_totp(user)

    response = sign_in_with_code(
        client, user, totp_code(secret, at=time.time() - 3 * PERIOD_SECONDS)
    )

    assert response.status_code == 200
    assert code_errors(response) == [
        "This code has expired. Enter the code your authenticator app shows now."
    ]


def test_a_wrong_code_is_incorrect(client):
    user = customer()
    secret, _codes = with_totp(user)
    wrong = f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"

    response = sign_in_with_code(client, user, wrong)

    assert code_errors(response) == ["Incorrect code."]


def test_a_recovery_code_signs_in_once(client):
    user = customer()
    _secret, codes = with_totp(user)

    assert sign_in_with_code(client, user, codes[0]).status_code == 302
    client.post(reverse("account_logout"))
    response = sign_in_with_code(client, user, codes[0])

    assert response.status_code == 200
    assert code_errors(response) == [
        "This recovery code was already used: each one works only once."
    ]
    assert sign_in_with_code(client, user, codes[1]).status_code == 302


def test_without_the_cache_app_codes_cannot_be_checked_and_recovery_codes_still_work(
    client, settings
):
    """allauth remembers used codes in the cache; while Redis is down it refuses every app code
    rather than let one be used twice. Recovery codes live in the database."""
    user = customer()
    secret, codes = with_totp(user)
    with refusing_redis_url(settings.CACHES["default"]["LOCATION"]) as url:
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}

        response = sign_in_with_code(client, user, current_code(secret))
        assert code_errors(response) == [
            "Authenticator app codes cannot be checked at the moment. Use a recovery code or a "
            "passkey, or try again in a few minutes."
        ]
        client.post(reverse("account_logout"))
        assert sign_in_with_code(client, user, codes[0]).status_code == 302


# --- Roles that must enrol -----------------------------------------------------------------


@pytest.fixture
def staff_must_enrol(settings):
    settings.ACCOUNTS_MFA_REQUIRED_ROLES = ["staff"]


def test_the_default_setting_names_staff():
    from cocreate import settings as project_settings

    assert project_settings.ACCOUNTS_MFA_REQUIRED_ROLES == ["staff"]


@pytest.mark.usefixtures("staff_must_enrol")
def test_staff_without_a_second_factor_reach_only_the_enrolment(client):
    client.force_login(staff())

    for path in ("/", reverse("profile"), "/admin/", reverse("usersessions_list")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_index"), path

    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert MFA_REQUIRED in response.content.decode()  # why, on the enrolment page
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("staff_must_enrol")
def test_staff_reach_everything_once_enrolled(client):
    user = staff()
    sign_in(client, user)
    enrol_totp(client)

    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("profile")).status_code == 200


@pytest.mark.usefixtures("staff_must_enrol")
def test_other_roles_are_not_asked_unless_named(client, settings):
    client.force_login(agent())
    assert client.get(reverse("profile")).status_code == 200

    settings.ACCOUNTS_MFA_REQUIRED_ROLES = ["staff", "agent"]
    assert client.get(reverse("profile"))["Location"] == reverse("mfa_index")

    client.force_login(customer())
    assert client.get(reverse("profile")).status_code == 200


def test_the_api_refuses_a_token_of_a_user_who_must_enrol(client, settings):
    user = agent()
    _token, key = api_token_create(user=user, name="desk")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/v1/tickets/", **auth).status_code == 200

    settings.ACCOUNTS_MFA_REQUIRED_ROLES = ["agent"]
    response = client.get("/api/v1/tickets/", **auth)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your role requires two-factor sign-in. Set up an authenticator app or a "
        "passkey to go on.",
        "code": "mfa_required",
    }
    with_totp(user)
    assert client.get("/api/v1/tickets/", **auth).status_code == 200


def test_the_api_refuses_a_session_of_a_user_who_must_enrol(client, settings):
    settings.ACCOUNTS_MFA_REQUIRED_ROLES = ["agent"]
    client.force_login(agent())

    response = client.get("/api/v1/tickets/")

    assert response.status_code == 403 and response.json()["code"] == "mfa_required"


def test_an_unknown_role_in_the_setting_fails_the_checks(settings):
    settings.ACCOUNTS_MFA_REQUIRED_ROLES = ["staff", "agents"]

    errors = [e for e in run_checks() if e.id == "accounts.E001"]

    assert len(errors) == 1 and "agents" in errors[0].msg


def test_enrolment_needs_a_confirmed_address_and_its_page_is_open(client, settings):
    """allauth enrols only confirmed addresses: a staff account made with createsuperuser has to
    confirm its address first, and may reach the e-mail page to do so."""
    settings.ACCOUNTS_MFA_REQUIRED_ROLES = ["staff"]
    user = UserFactory(role="", is_staff=True, verified_email=False)
    sign_in(client, user)

    assert client.get(reverse("account_email")).status_code == 200
    confirm_password(client)
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert "verified your email address" in response.content.decode()
