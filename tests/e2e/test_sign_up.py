from django.conf import settings
from playwright.sync_api import expect

from cocreate.accounts.models import User
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.products import ProductFactory


def test_a_visitor_signs_up_logs_out_logs_in_and_lands_on_their_own_page(page, transactional_db):
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()

    page.get_by_label("Username").fill("martina")
    page.get_by_label("Email").fill("martina@example.com")
    page.get_by_label("Password", exact=True).fill("correct-Horse-battery-9")
    page.get_by_label("Password (again)").fill("correct-Horse-battery-9")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_text("Confirmation email sent to martina@example.com.")).to_be_visible()
    expect(page.get_by_text("Successfully signed in as martina.")).to_be_visible()
    user = User.objects.get(username="martina")
    assert user.time_zone == "Europe/Berlin"  # detected by the browser
    screenshot(page, "home-signed-up")

    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()

    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    log_in(page, "martina", settings.DEMO_PASSWORD)
    expect(page).to_have_url("/me/")
    expect(page.get_by_role("heading", name="My page")).to_be_visible()
    expect(page.get_by_text("Successfully signed in as martina.")).to_be_visible()


def test_sign_up_errors_show_on_the_form(page, transactional_db):
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("x")
    page.get_by_label("Email").fill("x@example.com")
    page.get_by_label("Password", exact=True).fill("short-Enough-pass-9")
    page.get_by_label("Password (again)").fill("different")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_text("You must type the same password each time.")).to_be_visible()
    screenshot(page, "sign-up-errors")
    assert not User.objects.filter(username="x").exists()


def test_the_account_pages_wear_the_site_and_an_unverified_account_is_told_why(
    page, transactional_db
):
    page.goto("/accounts/login/")
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    screenshot(page, "account-login")
    page.goto("/accounts/password/reset/")
    screenshot(page, "account-password-reset")

    UserFactory(username="nina", email="nina@example.com", verified_email=False)
    product = ProductFactory()
    log_in(page, "nina", settings.DEMO_PASSWORD)
    page.goto(f"/community/{product.slug}/new/")
    expect(page.get_by_role("heading", name="Confirm your e-mail address first.")).to_be_visible()
    expect(page.get_by_text("we sent a link to nina@example.com")).to_be_visible()
    screenshot(page, "account-unverified-refusal")

    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_text("Confirmation email sent to nina@example.com.")).to_be_visible()
    expect(page.get_by_text("not confirmed yet")).to_be_visible()
    screenshot(page, "account-email")

    page.goto("/accounts/password/change/")
    screenshot(page, "account-password-change")
