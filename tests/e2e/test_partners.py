"""A user applies to become a partner, staff approve, and the new owner edits the profile and
finds the organisation in the directory by filter."""

import re

from PIL import Image
from playwright.sync_api import expect

from partners.models import Membership, Partner
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import UserFactory, staff


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()


def test_apply_approve_edit_and_find_in_the_directory(page, transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path  # live_server runs in this process and reads these settings
    UserFactory(username="mei", email="mei@example.com")
    staff(username="root")

    # The applicant describes the organisation.
    log_in(page, "mei", settings.DEMO_PASSWORD)
    page.goto("/partners/")
    page.get_by_role("link", name="Become a partner").click()
    page.get_by_label("Organisation name").fill("Lotus Optics Lab")
    page.get_by_label("Kind").select_option(label="Research institute")
    page.get_by_label("Country").select_option(label="Singapore")
    page.get_by_label("Materials research").check()
    page.get_by_label("Website").fill("https://lotus-optics.example")
    page.get_by_label("Description").fill("Metalenses for **phone cameras**.")
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text("Staff will review your application")).to_be_visible()
    expect(page.get_by_text("Pending review")).to_be_visible()
    log_out(page)

    # Staff approve it from the queue.
    log_in(page, "root", settings.DEMO_PASSWORD)
    page.goto("/partners/applications/")
    page.get_by_role("link", name="Lotus Optics Lab").click()
    page.get_by_label("Approve").check()
    page.get_by_label("Message to the applicant").fill("Welcome to the network.")
    screenshot(page, "partners-application-review")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Lotus Optics Lab is now an active partner.")).to_be_visible()
    log_out(page)

    # The new owner edits the profile and uploads a logo.
    log_in(page, "mei", settings.DEMO_PASSWORD)
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.get_by_role("link", name="My organisation").click()  # their one organisation's dashboard
    page.get_by_role("link", name="Profile", exact=True).click()
    page.get_by_label("Optics and camera modules").check()
    page.get_by_label("ISO 9001").check()
    page.get_by_label("Regions served").select_option(["asean", "DE"])
    logo = tmp_path / "logo.png"
    Image.new("RGB", (640, 320), (20, 120, 200)).save(logo)
    page.get_by_label("Logo", exact=True).set_input_files(str(logo))
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your organisation's profile was saved.")).to_be_visible()
    screenshot(page, "partners-profile-edited")

    # Anyone finds it in the directory by capability and by a country it serves.
    log_out(page)
    page.goto("/partners/")
    page.get_by_label("Capability").select_option(label="Optics and camera modules (1)")
    page.get_by_label("Serves").select_option(label="Germany")
    # htmx refreshes the results on each change, and keeps the filters in the address.
    expect(page.get_by_test_id("result-count")).to_have_text("1 partner")
    expect(page).to_have_url(re.compile(r"serves=DE"))
    card = page.locator(".partner-card", has_text="Lotus Optics Lab")
    expect(card).to_be_visible()
    expect(card.get_by_text("Research institute")).to_be_visible()
    expect(card.get_by_text("Singapore")).to_be_visible()
    expect(card.locator("img.partner-logo")).to_be_visible()
    expect(page.get_by_test_id("result-count")).to_have_text("1 partner")
    screenshot(page, "partners-directory-filtered")

    card.get_by_role("link", name="Lotus Optics Lab").click()
    expect(page.get_by_role("heading", name="Lotus Optics Lab")).to_be_visible()
    expect(page.get_by_text("ISO 9001")).to_be_visible()

    partner = Partner.objects.get(name="Lotus Optics Lab")
    assert partner.status == Partner.Status.ACTIVE
    assert partner.logo.name.endswith(".png")
    assert Membership.objects.get(partner=partner).user.username == "mei"
