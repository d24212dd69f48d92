"""Search that forgives, as a reader on a phone sees it: a typo corrected, and an empty result
that offers to post the idea, through the sign-in, with the text carried over."""

import io

from django.conf import settings
from playwright.sync_api import expect

from cocreate.accounts.models import User
from cocreate.accounts.seed import seed as seed_accounts
from cocreate.core.vocabulary import refresh_vocabulary
from products.models import Product
from products.seed import seed as seed_catalog
from tests.e2e.conftest import screenshot
from tests.factories.community import PostFactory


def _no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_phone_reader_is_forgiven_a_typo_and_offered_to_post_the_idea(page, transactional_db):
    out = io.StringIO()
    seed_accounts(out)
    seed_catalog(out)
    PostFactory(
        product=Product.objects.get(slug="aurora-3"),
        author=User.objects.get(username="alice"),
        title="Let us cap charging at 80%",
        body="Keeping the battery below full makes it age slower.",
    )
    refresh_vocabulary()
    page.set_viewport_size({"width": 390, "height": 844})

    # A typo: the results of the corrected word, said so, the search box as typed.
    page.goto("/community/aurora-3/")
    page.get_by_label("Search").fill("batery")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("search-forgiven")).to_contain_text(
        "Nothing matches “batery”. Showing results for battery."
    )
    expect(page.get_by_test_id("post-item")).to_have_count(1)
    expect(page.get_by_label("Search")).to_have_value("batery")
    _no_horizontal_scroll(page)
    screenshot(page, "search-forgives-typo-390")

    # Some of the words: the posts that have them, said so.
    page.get_by_label("Search").fill("charge limit")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("search-forgiven")).to_contain_text("match some of them")
    expect(page.get_by_test_id("post-item")).to_have_count(1)

    # Nothing at all: the offer to post it, through the sign-in for a signed-out reader.
    page.get_by_label("Search").fill("Wireless dock <b>now</b>")
    page.get_by_role("button", name="Search").click()
    offer = page.get_by_test_id("post-it")
    expect(offer).to_contain_text("No post matches “Wireless dock <b>now</b>”.")
    _no_horizontal_scroll(page)
    screenshot(page, "search-forgives-post-it-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "search-forgives-post-it-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    offer.get_by_role("link", name="Sign in to post it as a new idea").click()

    page.get_by_label("Username or e-mail").fill("bob")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url("**/community/aurora-3/new/**")
    expect(page.get_by_label("Title")).to_have_value("Wireless dock <b>now</b>")
    _no_horizontal_scroll(page)
    screenshot(page, "search-forgives-new-post-390")


def test_the_knowledge_base_forgives_a_typo_on_a_phone(page, transactional_db):
    from tests.factories.service_desk import KnowledgeArticleFactory

    KnowledgeArticleFactory(title="Reset the router", body="Hold the **reset** button.")
    refresh_vocabulary()
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/support/kb/")
    page.get_by_label("Search").fill("ruoter")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_test_id("search-forgiven")).to_contain_text(
        "Nothing matches “ruoter”. Showing results for router."
    )
    expect(page.get_by_role("link", name="Reset the router")).to_be_visible()
    _no_horizontal_scroll(page)
    screenshot(page, "search-forgives-kb-390")
