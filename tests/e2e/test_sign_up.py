from django.conf import settings
from playwright.sync_api import expect

from cocreate.accounts.models import User
from tests.e2e.conftest import log_in, screenshot


def test_a_visitor_signs_up_logs_out_logs_in_and_sees_the_home_page(page, transactional_db):
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()

    page.get_by_label("Username").fill("martina")
    page.get_by_label("E-mail").fill("martina@example.com")
    page.get_by_label("Password", exact=True).fill("correct-Horse-battery-9")
    page.get_by_label("Password confirmation").fill("correct-Horse-battery-9")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_text("Welcome to CoCreate, martina!")).to_be_visible()
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
    expect(page.get_by_role("heading", name="Build the next generation together.")).to_be_visible()
    expect(page.get_by_text("Signed in as martina.")).to_be_visible()


def test_sign_up_errors_show_on_the_form(page, transactional_db):
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("x")
    page.get_by_label("E-mail").fill("x@example.com")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password confirmation").fill("different")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_text("The two password fields didn’t match.")).to_be_visible()
    screenshot(page, "sign-up-errors")
    assert not User.objects.filter(username="x").exists()
