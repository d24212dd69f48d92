"""The page components in a browser: at 390 px the community feed's filters fold behind
"Filters" so the first post is in the first screen, the disclosure opens and filters, a table
of tickets reads as cards; every app's main list looks the same at 1366 and 390 px."""

from django.conf import settings
from playwright.sync_api import expect

from community.models import Post
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import agent, customer, designer
from tests.factories.community import PostFactory
from tests.factories.designers import ReviewItemFactory
from tests.factories.partners import PartnerFactory
from tests.factories.products import ProductFactory
from tests.factories.service_desk import SlaPolicyFactory, file_ticket

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _community():
    product = ProductFactory(name="Aurora 3", slug="aurora-3")
    kinds = [Post.Kind.FEEDBACK, Post.Kind.SUGGESTION, Post.Kind.QUESTION]
    for n in range(9):
        PostFactory(
            product=product,
            kind=kinds[n % 3],
            title=f"Battery drains overnight on the Aurora 3, report {n}",
        )
    return product


def test_the_feed_starts_in_the_first_screen_and_its_filters_unfold_on_a_phone(
    page, transactional_db
):
    product = _community()
    page.set_viewport_size(PHONE)
    page.goto(f"/community/{product.slug}/")

    first = page.get_by_test_id("post-item").first
    assert first.bounding_box()["y"] < PHONE["height"]
    kind = page.get_by_label("Kind")
    expect(kind).to_be_hidden()  # folded behind the disclosure
    _no_sideways_scroll(page)
    screenshot(page, "components-feed-390")

    page.get_by_test_id("filter-toggle").click()
    expect(kind).to_be_visible()
    expect(kind.locator("option")).to_have_text(
        ["All kinds", "Feedback (3)", "Suggestion (3)", "Question (3)"]
    )
    kind.select_option("question")  # htmx refreshes the results
    expect(page.get_by_test_id("post-item")).to_have_count(3)
    for item in page.get_by_test_id("post-item").all():
        expect(item.locator(".badge").first).to_have_text("Question")
    screenshot(page, "components-feed-filtered-390")

    page.reload()  # the choice is in the address: the summary counts it
    expect(page.get_by_test_id("filter-toggle")).to_have_text("Filters (1 active)")


def test_the_filters_stand_open_beside_the_search_on_a_wide_screen(page, transactional_db):
    product = _community()
    page.set_viewport_size(DESKTOP)
    page.goto(f"/community/{product.slug}/")

    expect(page.get_by_label("Kind")).to_be_visible()
    expect(page.get_by_test_id("filter-toggle")).to_be_hidden()
    search, kind = page.get_by_label("Search", exact=True), page.get_by_label("Kind")
    assert abs(search.bounding_box()["y"] - kind.bounding_box()["y"]) < 8  # one row


def test_a_customers_tickets_read_as_cards_on_a_phone(page, transactional_db):
    SlaPolicyFactory()
    carla = customer(username="carla")
    product = ProductFactory(name="Beacon Mesh")
    file_ticket(carla, product, subject="Router reboots every night")
    file_ticket(carla, product, subject="Wi-Fi drops at 8 pm")
    log_in(page, "carla", settings.DEMO_PASSWORD)
    page.set_viewport_size(PHONE)

    page.goto("/support/tickets/")

    table = page.get_by_test_id("ticket-table")
    expect(table.locator("thead")).to_be_hidden()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    assert rows.first.evaluate("row => getComputedStyle(row).display") == "block"
    product_cell = rows.first.locator("td[data-label='Product']")
    label = product_cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Product"'
    cell, row = product_cell.bounding_box(), rows.first.bounding_box()
    assert cell["x"] + cell["width"] <= row["x"] + row["width"]
    _no_sideways_scroll(page)
    screenshot(page, "components-my-tickets-390")


def _shots(page, path: str, name: str) -> None:
    for size, label in ((DESKTOP, "1366"), (PHONE, "390")):
        page.set_viewport_size(size)
        page.goto(path)
        expect(page.locator("h1")).to_have_count(1)
        if label == "390":
            _no_sideways_scroll(page)
        screenshot(page, f"components-{name}-{label}")


def test_every_apps_main_list_at_both_widths(page, transactional_db):
    product = _community()
    ReviewItemFactory(post=Post.objects.filter(kind=Post.Kind.SUGGESTION).first())
    PartnerFactory(name="Shenzhen Precision Moulding", country="CN")
    PartnerFactory(name="Lyon Packaging", country="FR")
    SlaPolicyFactory()
    file_ticket(customer(username="carla"), product, subject="Battery drains overnight")
    agent(username="arne")
    designer(username="dana")

    _shots(page, f"/community/{product.slug}/", "community")
    _shots(page, "/products/", "catalog")
    _shots(page, "/partners/", "partner-directory")
    log_in(page, "arne", settings.DEMO_PASSWORD)
    _shots(page, "/desk/", "desk-queue")
    page.context.clear_cookies()
    log_in(page, "dana", settings.DEMO_PASSWORD)
    _shots(page, "/design/", "designers-queue")
