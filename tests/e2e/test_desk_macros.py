"""An agent applies a macro on a ticket: picks it, sees what it fills and changes, edits the reply
and applies it in one click; then tags the ticket by hand."""

from django.conf import settings
from playwright.sync_api import expect

from service_desk import services
from service_desk.models import Category, Macro, Priority, Tag, Ticket
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import agent, customer
from tests.factories.products import ProductFactory, RegistrationFactory


def test_an_agent_applies_an_edited_macro(page, transactional_db):
    product = ProductFactory(name="Beacon Mesh", slug="beacon-mesh")
    carla = customer(username="carla")
    agent(username="arne")
    unit = RegistrationFactory(customer=carla, product=product, serial_number="BM-7781")
    ticket = services.ticket_create(
        customer=carla,
        product=product,
        registration=unit,
        category=Category.TECHNICAL_SUPPORT,
        subject="The battery pack swells",
        description="The battery pack of the satellite has swollen.",
    )
    macro = Macro.objects.create(
        title="Battery swap",
        reply="Hello {customer}, we will send a new battery for {serial} today.",
        set_status=Ticket.Status.PENDING_CUSTOMER,
        set_priority=Priority.HIGH,
        assign=Macro.Assign.ME,
    )
    macro.add_tags.set([Tag.objects.create(name="battery"), Tag.objects.create(name="rma")])

    log_in(page, "arne", settings.DEMO_PASSWORD)
    page.goto(ticket.get_desk_url())
    page.get_by_test_id("macro-select").select_option(label="Battery swap")

    # The reply box holds the macro's reply for this ticket; the changes are shown.
    message = page.get_by_label("Message")
    expect(message).to_have_value("Hello carla, we will send a new battery for BM-7781 today.")
    changes = page.get_by_test_id("macro-changes")
    for change in ["Waiting for the customer", "High", "arne", "battery", "rma"]:
        expect(changes).to_contain_text(change)
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "desk-macro-picked-1366")

    message.fill(
        "Hello Carla, a new battery for BM-7781 leaves today. Please stop using the old one."
    )
    page.get_by_test_id("apply-macro").click()

    expect(page.get_by_text("Macro “Battery swap” applied.")).to_be_visible()
    expect(page.get_by_text("Please stop using the old one.")).to_be_visible()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Waiting for the customer")
    tags = page.get_by_test_id("ticket-tags")
    expect(tags).to_contain_text("battery")
    expect(tags).to_contain_text("rma")

    # A tag by hand, and one taken off.
    page.get_by_label("Add tags").fill("swollen")
    page.get_by_role("button", name="Add tags").click()
    expect(tags).to_contain_text("swollen")
    page.get_by_role("button", name="Remove the tag rma").click()
    expect(tags).not_to_contain_text("rma")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "desk-macro-applied-1366")

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_test_id("macro-select").select_option(label="Battery swap")
    expect(page.get_by_test_id("apply-macro")).to_be_visible()
    screenshot(page, "desk-macro-picked-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"

    # Every agent can read the macros and their placeholders.
    page.get_by_role("link", name="all macros").click()
    expect(page.get_by_test_id("macro-list")).to_contain_text("Battery swap")
    screenshot(page, "desk-macros-list-390")

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING_CUSTOMER
    assert ticket.priority == Priority.HIGH
    assert ticket.assignee.username == "arne"
    assert set(ticket.tags.values_list("name", flat=True)) == {"battery", "swollen"}
