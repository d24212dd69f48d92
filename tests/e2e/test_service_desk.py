"""One ticket end to end: suggested article, filed anyway, taken, answered, repaired, resolved, rated."""

from django.conf import settings
from playwright.sync_api import expect

from service_desk.models import Shipment, Ticket
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import agent, customer
from tests.factories.products import ProductFactory
from tests.factories.service_desk import KnowledgeArticleFactory, SlaPolicyFactory


def test_a_ticket_from_filing_to_rating(page, transactional_db):
    product = ProductFactory(name="Beacon Mesh", slug="beacon-mesh")
    KnowledgeArticleFactory(
        title="Beacon Mesh reboots at night",
        body="Nightly reboots come from automatic updates: move the update window.",
        product=product,
    )
    SlaPolicyFactory()
    customer(username="carla")
    agent(username="arne")

    # The customer starts a ticket and is shown a matching article while typing.
    log_in(page, "carla", settings.DEMO_PASSWORD)
    page.goto("/support/tickets/new/")
    page.get_by_label("Product").select_option(label="Beacon Mesh")
    page.get_by_label("What do you need?").select_option(label="Technical support")
    page.get_by_label("Subject").press_sequentially("Router reboots every night", delay=20)
    suggestions = page.get_by_test_id("suggestions")
    expect(suggestions.get_by_role("link", name="Beacon Mesh reboots at night")).to_be_visible()
    screenshot(page, "service-desk-suggestion")

    # … but files anyway.
    page.get_by_label("Description").fill("It reboots at 3 am although updates are off.")
    page.get_by_role("button", name="File the ticket").click()
    expect(page.get_by_text("was filed")).to_be_visible()
    ticket = Ticket.objects.get()
    expect(page.get_by_test_id("ticket-status")).to_have_text("New")

    # An agent takes the next ticket, answers, ships a repair and resolves it.
    page.get_by_role("button", name="Log out").click()
    log_in(page, "arne", settings.DEMO_PASSWORD)
    page.goto("/desk/")
    page.get_by_role("button", name="Take next").click()
    expect(page.get_by_role("heading", name="Router reboots every night")).to_be_visible()
    expect(page.get_by_text(f"{ticket.number} is yours.")).to_be_visible()

    page.get_by_label("Message").fill("A faulty power board: we will **repair** it.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()

    page.get_by_text("Ship a repair or a part, or receive a unit").click()
    page.get_by_label("Direction").select_option(label="From us to the customer")
    page.get_by_label("Carrier").fill("DHL")
    page.get_by_label("Tracking number").fill("JD0146000099")
    page.get_by_label("Note for the customer").fill("Repaired unit on its way")
    page.get_by_role("button", name="Record shipment").click()
    expect(page.get_by_text("Shipment recorded")).to_be_visible()

    page.get_by_label("Status", exact=True).select_option(label="Resolved")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Resolved")
    screenshot(page, "service-desk-workspace")

    # The customer follows the parcel and rates the help.
    page.get_by_role("button", name="Log out").click()
    log_in(page, "carla", settings.DEMO_PASSWORD)
    page.goto(ticket.get_absolute_url())
    expect(page.locator(".prose strong", has_text="repair")).to_be_visible()
    expect(page.get_by_test_id("shipment")).to_contain_text("JD0146000099")
    expect(page.get_by_test_id("shipment")).to_contain_text("Repaired unit on its way")
    # Close and reopen are two buttons with room between them, not one touching the other.
    close = page.get_by_role("button", name="Close the ticket").bounding_box()
    reopen = page.get_by_role("button", name="Reopen the ticket").bounding_box()
    apart_across = reopen["x"] >= close["x"] + close["width"] + 6
    apart_down = reopen["y"] >= close["y"] + close["height"] + 6
    assert apart_across or apart_down
    page.get_by_label("5 stars – excellent").check()
    page.get_by_label("Anything to add?").fill("Fixed within a week, thank you!")
    page.get_by_role("button", name="Send rating").click()
    expect(page.get_by_text("Thank you for your rating.")).to_be_visible()
    screenshot(page, "service-desk-rated")

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.csat_score == 5
    assert ticket.assignee.username == "arne"
    assert Shipment.objects.get().tracking_number == "JD0146000099"
