"""Forms that think, in a browser: the star rating by keyboard, the detected time zone."""

from django.conf import settings
from playwright.sync_api import expect

from service_desk import services
from service_desk.models import Category, Ticket
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import agent, customer
from tests.factories.products import ProductFactory
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
