"""The agent's ticket page: two agents on one ticket (the collision warning), the customer beside
it, and the page and the metrics at phone width."""

import re
from datetime import date, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from service_desk import services
from service_desk.models import Shipment, Ticket, TicketMessage
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import agent, customer
from tests.factories.community import PostFactory
from tests.factories.products import ProductFactory, RegistrationFactory
from tests.factories.service_desk import TicketFactory

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def second_page(browser, live_server):
    """Another agent's browser: a context of its own (own cookies, own session)."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Asia/Shanghai"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def a_ticket_with_its_customer() -> Ticket:
    """A customer with a history: units (one expired), posts, rated tickets, a shipment."""
    import_module("service_desk.migrations.0011_carrier").seed_carriers(apps, None)
    product = ProductFactory(name="Aurora Router X2", slug="aurora-router-x2")
    person = customer(
        username="lin_c", display_name="Lin Wei", time_zone="Asia/Shanghai", language="zh-hans"
    )
    unit = RegistrationFactory(customer=person, product=product, serial_number="AR2-0042-7781")
    RegistrationFactory(
        customer=person,
        serial_number="SPK-2019-0007",
        purchased_on=date(2019, 5, 1),
        warranty_ends_on=date(2021, 5, 1),
    )
    TicketFactory(
        customer=person,
        subject="Speaker crackles at high volume",
        status=Ticket.Status.CLOSED,
        csat_score=4,
        csat_comment="Quick and friendly",
    )
    TicketFactory(customer=person, subject="Invoice address wrong", status=Ticket.Status.RESOLVED)
    PostFactory(author=person, product=product, title="A quieter fan profile at night")
    ticket = TicketFactory(
        customer=person,
        product=product,
        registration=unit,
        subject="Wi-Fi drops every evening",
        description="Since the last update the 5 GHz network drops around 8 pm.",
        first_response_due_at=timezone.now() - timedelta(hours=2),
        resolution_due_at=timezone.now() + timedelta(days=3),
    )
    services.shipment_create(
        ticket=ticket,
        actor=agent(username="ops_a"),
        direction=Shipment.Direction.OUTBOUND,
        carrier="SF Express",
        tracking_number="SF1234567890123",
    )
    return ticket


def test_two_agents_on_one_ticket_see_each_other_and_a_late_reply_asks_first(
    page, second_page, transactional_db
):
    ticket = a_ticket_with_its_customer()
    agent(username="mei_a", display_name="Mei")
    agent(username="sam_a", display_name="Sam")
    mei, sam = page, second_page
    log_in(mei, "mei_a", settings.DEMO_PASSWORD)
    log_in(sam, "sam_a", settings.DEMO_PASSWORD)

    # Mei opens the ticket, then Sam: each is told the other is there.
    mei.goto(ticket.get_desk_url())
    sam.goto(ticket.get_desk_url())
    expect(sam.get_by_test_id("presence")).to_have_text("Mei is viewing")
    expect(mei.get_by_test_id("presence")).to_have_text("Sam is viewing")

    # Sam starts a reply; Mei starts typing hers, and Sam sees it.
    sam.set_viewport_size(DESKTOP)
    sam.get_by_label("Message").fill("Please restart the router and tell us the firmware version.")
    mei.get_by_label("Message").press_sequentially("A new firmware fixes this", delay=20)
    expect(sam.get_by_test_id("presence")).to_have_text("Mei is typing a reply")
    screenshot(sam, "desk-ticket-collision-typing-1366")

    # Mei sends first.
    mei.get_by_label("Message").press_sequentially(": update to 2.4.1 tonight.", delay=5)
    mei.get_by_role("button", name="Send", exact=True).click()
    expect(mei.get_by_text("Reply sent.")).to_be_visible()

    # Sam's send is held: Mei's answer comes first, Sam's text stays in the box.
    sam.get_by_role("button", name="Send", exact=True).click()
    warning = sam.get_by_test_id("new-messages")
    expect(warning).to_be_visible()
    expect(warning.get_by_test_id("new-message")).to_contain_text(
        "A new firmware fixes this: update to 2.4.1 tonight."
    )
    expect(sam.get_by_label("Message")).to_have_value(
        "Please restart the router and tell us the firmware version."
    )
    assert TicketMessage.objects.filter(ticket=ticket).count() == 1
    screenshot(sam, "desk-ticket-collision-confirm-1366")

    # Confirming sends it.
    sam.get_by_role("button", name="Send anyway").click()
    expect(sam.get_by_text("Reply sent.")).to_be_visible()
    assert list(
        TicketMessage.objects.filter(ticket=ticket).values_list("author__username", flat=True)
    ) == ["mei_a", "sam_a"]


def no_sideways_scrolling(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


def test_the_ticket_page_with_its_customer_and_the_metrics_at_phone_and_desktop_width(
    page, transactional_db
):
    ticket = a_ticket_with_its_customer()
    agent(username="mei_a", display_name="Mei")
    log_in(page, "mei_a", settings.DEMO_PASSWORD)

    page.set_viewport_size(DESKTOP)
    page.goto(ticket.get_desk_url())
    panel = page.get_by_test_id("customer-panel")
    expect(panel).to_contain_text("Lin Wei")
    expect(panel.get_by_test_id("customer-tickets")).to_contain_text("Invoice address wrong")
    expect(panel.get_by_test_id("customer-units")).to_contain_text("Warranty expired")
    expect(panel.get_by_test_id("customer-ratings")).to_contain_text("4/5")
    expect(panel.get_by_role("link", name="A quieter fan profile at night")).to_be_visible()
    expect(page.get_by_test_id("tracking-link")).to_have_attribute(
        "href", "https://www.sf-express.com/chn/en/waybill/waybill-detail/SF1234567890123"
    )
    expect(page.get_by_test_id("first-response-due")).to_contain_text("overdue by 2 hours")
    due = page.get_by_test_id("resolution-due").locator("time")
    expect(due).to_have_text("due in 3 days")
    expect(due).to_have_attribute("title", re.compile(r"\d{4}"))  # the exact time on hover
    screenshot(page, "desk-ticket-1366")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(panel).to_be_visible()
    no_sideways_scrolling(page)
    screenshot(page, "desk-ticket-390")

    page.goto("/desk/metrics/")
    expect(page.get_by_role("heading", name="Desk metrics")).to_be_visible()
    no_sideways_scrolling(page)
    tabs = page.get_by_role("navigation", name="Desk")
    for name in ("Queue", "Assigned to me", "Knowledge base", "Metrics"):
        link = tabs.get_by_role("link", name=name)
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
    screenshot(page, "desk-metrics-390")

    page.set_viewport_size(DESKTOP)
    page.reload()
    screenshot(page, "desk-metrics-1366")
