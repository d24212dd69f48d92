"""Forms that think, in a browser: the star rating by keyboard, the detected time zone."""

from django.conf import settings
from playwright.sync_api import expect

from cocreate.accounts.models import User
from service_desk import services
from service_desk.models import Category, Ticket
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import agent, customer
from tests.factories.products import ProductFactory, RegistrationFactory
from tests.factories.service_desk import SlaPolicyFactory


def test_rating_a_resolved_ticket_by_keyboard(page, transactional_db):
    SlaPolicyFactory()
    carla = customer(username="carla")
    product = ProductFactory(name="Beacon Mesh")
    ticket = services.ticket_create(
        customer=carla,
        product=product,
        category=Category.TECHNICAL_SUPPORT,
        subject="Router reboots every night",
        description="At 3 am.",
    )
    services.ticket_change_status(
        ticket=ticket, actor=agent(username="arne"), status=Ticket.Status.RESOLVED
    )

    log_in(page, "carla", settings.DEMO_PASSWORD)
    page.goto(ticket.get_absolute_url())
    rating = page.get_by_role("group", name="How did we do?")
    expect(rating).to_be_visible()

    # Tab reaches the group on its first star; the arrow keys move and choose; Space keeps it.
    page.get_by_role("link", name="Support").first.focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "score":
            break
    first = rating.get_by_label("1 star – poor")
    expect(first).to_be_focused()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    four = rating.get_by_label("4 stars – very good")
    expect(four).to_be_focused()
    expect(four).to_be_checked()
    expect(page.get_by_text("4 stars – very good", exact=True).last).to_be_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "smart-forms-rating-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "smart-forms-rating-390")

    page.get_by_label("Anything to add?").focus()
    page.keyboard.type("Quick and kind.")
    page.get_by_role("button", name="Send rating").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you for your rating.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.csat_score == 4


def test_the_profile_preselects_the_browsers_time_zone(browser, live_server, transactional_db):
    customer(username="li", time_zone="UTC")
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Asia/Shanghai"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, "li", settings.DEMO_PASSWORD)
        page.goto("/accounts/profile/")
        select = page.get_by_label("Time zone")
        expect(select).to_have_value("Asia/Shanghai")
        first = select.locator("option").first
        expect(first).to_have_text("Detected: Shanghai (UTC+08:00)")
        expect(select.locator("optgroup[label=Asia] option[value='Asia/Shanghai']")).to_have_text(
            "Shanghai (UTC+08:00)"
        )
        screenshot(page, "smart-forms-time-zone")
        page.get_by_role("button", name="Save").first.click()
        expect(page.get_by_label("Time zone")).to_have_value("Asia/Shanghai")
    finally:
        context.close()

    assert User.objects.get(username="li").time_zone == "Asia/Shanghai"


def test_the_unit_select_offers_only_units_of_the_chosen_product(page, transactional_db):
    cara = customer(username="cara")
    aurora, beacon = ProductFactory(name="Aurora"), ProductFactory(name="Beacon")
    on_aurora = RegistrationFactory(customer=cara, product=aurora, serial_number="AU-1")
    on_beacon = RegistrationFactory(customer=cara, product=beacon, serial_number="BE-1")

    log_in(page, "cara", settings.DEMO_PASSWORD)
    page.goto("/support/tickets/new/")
    units = page.get_by_label("Which unit?")
    page.get_by_label("Product").select_option(str(aurora.pk))
    units.select_option(str(on_aurora.pk))
    expect(units.locator(f"option[value='{on_beacon.pk}']")).to_be_disabled()

    page.get_by_label("Product").select_option(str(beacon.pk))
    expect(units).to_have_value("")  # the Aurora unit was dropped with its product
    expect(units.locator(f"option[value='{on_aurora.pk}']")).to_be_disabled()
    expect(units.locator(f"option[value='{on_beacon.pk}']")).to_be_enabled()
