"""The desk's queue in a browser: a bulk action, all matching tickets through the Celery job,
a saved view and its count, and the queue on a phone."""

from celery.contrib.testing.worker import start_worker
from django.conf import settings
from playwright.sync_api import expect

from cocreate.celery import app as celery_app
from service_desk.models import Priority, Ticket, TicketEvent
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import agent
from tests.factories.products import ProductFactory
from tests.factories.service_desk import TicketFactory


def test_an_agent_assigns_ticked_tickets_in_one_go(page, transactional_db):
    arne, tina = agent(username="arne"), agent(username="tina")
    first = TicketFactory(subject="Fan rattles", priority=Priority.URGENT)
    second = TicketFactory(subject="Screen stays dark", priority=Priority.HIGH)
    left = TicketFactory(subject="Left alone")
    log_in(page, "arne", settings.DEMO_PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto("/desk/")
    page.get_by_label(f"Select {first.number}").check()
    page.get_by_label(f"Select {second.number}").check()
    page.get_by_label("What to do").select_option(label=f"Assign to {tina.public_name}")
    screenshot(page, "desk-queue-bulk-bar")
    page.get_by_role("button", name="Apply").click()

    expect(page.get_by_role("heading", name=f"Assign to {tina.public_name}")).to_be_visible()
    expect(page.get_by_test_id("bulk-result")).to_have_text("2 tickets changed")
    page.goto(first.get_desk_url())
    expect(page.locator(".sd-history")).to_contain_text(f"Assignee changed: {tina.public_name}")
    expect(page.locator(".sd-history")).to_contain_text(arne.public_name)
    left.refresh_from_db()
    assert left.assignee is None


def test_all_matching_tickets_go_through_the_job_with_progress(page, transactional_db):
    agent(username="arne")
    product = ProductFactory(name="Beacon", slug="beacon")
    TicketFactory.create_batch(60, product=product)
    other = TicketFactory(subject="Another product")
    log_in(page, "arne", settings.DEMO_PASSWORD)
    celery_app.control.purge()

    page.goto("/desk/?product=beacon")
    page.get_by_label("Select all on this page").check()
    expect(page.locator("input[name=tickets]:checked")).to_have_count(25)
    page.get_by_label("Select all 60 matching tickets").check()
    page.get_by_label("What to do").select_option(label="Priority: Urgent")
    page.get_by_role("button", name="Apply").click()

    # No worker yet: the job waits in the broker and the page says so.
    expect(page.get_by_test_id("bulk-count")).to_have_text("0 of 60 done · working…")
    screenshot(page, "desk-bulk-waiting")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        # The page polls itself (htmx) up to the result: no reload.
        expect(page.get_by_test_id("bulk-result")).to_have_text(
            "60 tickets changed", timeout=120_000
        )
    expect(page.get_by_test_id("bulk-count")).to_have_text("60 of 60 done")
    screenshot(page, "desk-bulk-progress")
    assert Ticket.objects.filter(product=product, priority=Priority.URGENT).count() == 60
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.PRIORITY).count() == 60
    other.refresh_from_db()
    assert other.priority == Priority.NORMAL


def test_an_agent_saves_a_view_and_sees_its_count(page, transactional_db):
    agent(username="arne")
    TicketFactory.create_batch(3, priority=Priority.URGENT)
    TicketFactory(priority=Priority.LOW)
    log_in(page, "arne", settings.DEMO_PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto("/desk/")
    page.get_by_label("Priority").select_option(label="Urgent")
    page.get_by_role("button", name="Filter").click()
    page.get_by_text("Save these filters as a view").click()
    page.get_by_label("Name of the view").fill("Fires")
    page.get_by_label("Share with the desk").check()
    page.get_by_role("button", name="Save view").click()

    expect(page.get_by_text("View “Fires” saved.")).to_be_visible()
    views = page.get_by_test_id("queue-views").locator(".sd-views-list")
    fires = views.get_by_role("link", name="Fires")
    expect(fires).to_have_attribute("aria-current", "page")
    expect(fires.get_by_test_id("view-count")).to_have_text("3")
    expect(views.get_by_test_id("view-unassigned").get_by_test_id("view-count")).to_have_text("4")
    screenshot(page, "desk-queue-views")


def test_the_queue_on_a_phone(page, transactional_db):
    agent(username="arne")
    for n in range(8):
        TicketFactory(
            subject=f"The charging port of the speaker is loose after a fall number {n}",
            priority=Priority.URGENT if n % 3 == 0 else Priority.NORMAL,
        )
    log_in(page, "arne", settings.DEMO_PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/desk/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator(".sd-queue thead")).to_be_hidden()
    expect(page.locator(".sd-views-list")).to_be_hidden()
    expect(page.get_by_role("button", name="Apply")).to_be_visible()
    screenshot(page, "desk-queue-phone")
    page.get_by_label("View", exact=True).select_option("unassigned")
    page.wait_for_url("**/desk/?view=unassigned")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Select all on this page").check()
    expect(page.locator("input[name=tickets]:checked")).to_have_count(8)
