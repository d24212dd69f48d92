import io
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from cocreate.accounts.seed import seed as seed_accounts
from products.models import Registration
from products.seed import seed as seed_catalog
from tests.e2e.conftest import log_in, screenshot


def _demo_catalog() -> None:
    out = io.StringIO()
    seed_accounts(out)
    seed_catalog(out)


def test_a_customer_registers_a_product_and_sees_it_under_my_products(page, transactional_db):
    _demo_catalog()
    # Relative to today, so the unit is under warranty whenever the test runs.
    purchased_on = timezone.localdate() - timedelta(days=30)
    with translation.override("en"):
        warranty_end = date_format(purchased_on + relativedelta(months=24), "DATE_FORMAT")
    log_in(page, "alice", settings.DEMO_PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Products").click()
    expect(page.get_by_role("heading", name="Products", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Aurora smartphones")).to_be_visible()
    screenshot(page, "products-catalog")

    page.get_by_label("Search").fill("sonata")
    expect(page.get_by_test_id("result-count")).to_contain_text("products match “sonata”")
    expect(page.get_by_role("heading", name="Aurora 3")).to_have_count(0)
    page.get_by_role("link", name="Sonata Two").click()

    expect(page.get_by_role("heading", name="Sonata Two", level=1)).to_be_visible()
    expect(page.get_by_test_id("generation-timeline")).to_contain_text("Sonata One")
    expect(page.get_by_role("heading", name="Sonata Care (1 extra year)")).to_be_visible()
    screenshot(page, "products-detail")

    page.get_by_role("link", name="Register your unit").click()
    expect(page.get_by_label("Product", exact=True)).to_have_value("sonata-two")
    page.get_by_label("Serial number").fill("son2-77ab-0042")
    page.get_by_label("Purchase date").fill(purchased_on.isoformat())
    page.get_by_role("button", name="Register").click()

    expect(
        page.get_by_text("Sonata Two (serial SON2-77AB-0042) is registered to you.")
    ).to_be_visible()
    mine = (
        page.get_by_test_id("my-products").get_by_role("listitem").filter(has_text="SON2-77AB-0042")
    )
    expect(mine).to_contain_text("Sonata Two")
    expect(mine.get_by_test_id("warranty-status")).to_have_text(
        f"Under warranty until {warranty_end}"
    )
    screenshot(page, "products-mine")
    assert Registration.objects.filter(
        customer__username="alice", serial_number="SON2-77AB-0042"
    ).exists()

    # The same serial again: a clear error on the form, nothing saved.
    page.get_by_label("Product", exact=True).select_option("sonata-two")
    page.get_by_label("Serial number").fill("SON2-77AB-0042")
    page.get_by_label("Purchase date").fill(purchased_on.isoformat())
    page.get_by_role("button", name="Register").click()
    expect(
        page.get_by_text("This serial number is already registered for Sonata Two.")
    ).to_be_visible()
    screenshot(page, "products-mine-error")
    assert Registration.objects.filter(serial_number="SON2-77AB-0042").count() == 1


def test_parts_page_filters_parts_that_fit_a_build(page, transactional_db):
    _demo_catalog()
    page.goto("/products/parts/")

    page.get_by_label("Kind").select_option("component")
    page.get_by_label("Fits").select_option("forge-mini")
    page.get_by_role("button", name="Filter").click()

    expect(page.get_by_test_id("part-count")).to_contain_text("fit Forge Mini case")
    expect(page.get_by_role("cell", name="Forge SFX 650 W power supply")).to_be_visible()
    expect(page.get_by_role("cell", name="Forge 1000 W power supply, 80+ Platinum")).to_have_count(
        0
    )
    screenshot(page, "products-parts")
