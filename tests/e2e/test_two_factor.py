"""Two-factor sign-in in the browser: an agent made to enrol, and a passkey on Chromium's virtual
authenticator (the DevTools protocol's WebAuthn domain: a real ceremony, no hardware)."""

from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import agent, customer
from tests.totp import current_code


def test_an_agent_who_must_enrol_sets_up_an_app_and_signs_in_with_its_code(
    page, transactional_db, settings
):
    settings.ACCOUNTS_MFA_REQUIRED_ROLES = ["agent"]
    user = agent(username="sam")

    log_in(page, "sam", settings.DEMO_PASSWORD)
    expect(page).to_have_url("/accounts/2fa/")
    expect(page.get_by_text("Your role requires two-factor sign-in.")).to_be_visible()
    screenshot(page, "mfa-required")
    page.goto("/desk/")
    expect(page).to_have_url("/accounts/2fa/")  # nothing else until enrolled

    page.get_by_role("link", name="Activate").click()
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)  # allauth asks again
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    expect(page.locator("img.qr-code")).to_be_visible()
    screenshot(page, "mfa-activate-totp")
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Authenticator app activated.")).to_be_visible()
    screenshot(page, "mfa-activated")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    page.goto("/desk/")
    expect(page).to_have_url("/desk/")

    page.get_by_role("button", name="Log out").click()
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("sam")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url("/accounts/2fa/authenticate/")
    screenshot(page, "mfa-authenticate")
    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url("/desk/")  # an agent lands on the desk
    expect(page.get_by_text("Successfully signed in as sam.")).to_be_visible()


def test_a_passkey_is_registered_and_signs_in(page, transactional_db, settings):
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    user = customer(username="alice")

    log_in(page, "alice", settings.DEMO_PASSWORD)
    page.goto("/accounts/profile/")
    page.get_by_test_id("mfa-link").click()
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    screenshot(page, "mfa-index")
    page.goto("/accounts/2fa/webauthn/add/")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    screenshot(page, "mfa-add-passkey")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Security key added.")).to_be_visible()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()
    screenshot(page, "mfa-passkey-added")

    page.get_by_role("button", name="Log out").click()
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("alice")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url("/accounts/2fa/authenticate/")
    page.get_by_role("button", name="Use a security key").click()
    expect(page).to_have_url("/me/")  # a customer lands on their own page
    expect(page.get_by_text("Successfully signed in as alice.")).to_be_visible()
