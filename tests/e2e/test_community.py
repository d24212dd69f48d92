import io

from django.conf import settings
from playwright.sync_api import expect

from cocreate.accounts.seed import seed as seed_accounts
from community.models import Post, Vote
from products.seed import seed as seed_catalog
from tests.e2e.conftest import log_in, screenshot


def _demo_catalog() -> None:
    out = io.StringIO()
    seed_accounts(out)
    seed_catalog(out)


def test_a_modification_is_posted_found_by_search_and_voted_in_place(page, transactional_db):
    _demo_catalog()

    # Alice shares a modification built from catalog parts.
    log_in(page, "alice", settings.DEMO_PASSWORD)
    page.goto("/community/")
    page.get_by_role("link", name="Aurora 3").first.click()
    expect(page.get_by_role("heading", name="Aurora 3", level=1)).to_be_visible()
    page.get_by_role("link", name="New post").click()

    page.get_by_label("What is it?").select_option("modification")
    page.get_by_label("Title").fill("Magnetic wallet mount with a spare battery")
    page.get_by_label("Details").fill(
        "A **spare battery** in a wallet mount: swap in a minute, two days away from a socket."
    )
    page.get_by_label("Tags").fill("battery, travel")
    page.get_by_label("Part 1", exact=True).select_option(label="Aurora 3 battery · €39.90")
    page.get_by_label("Quantity 1", exact=True).fill("2")
    page.get_by_label("Part 2", exact=True).select_option(
        label="Aurora 45 W USB-C charger · €34.90"
    )
    screenshot(page, "community-new-modification")
    page.get_by_role("button", name="Publish").click()

    expect(
        page.get_by_role("heading", name="Magnetic wallet mount with a spare battery")
    ).to_be_visible()
    expect(page.get_by_text("Your post is published.")).to_be_visible()
    expect(page.get_by_test_id("build-total")).to_have_text("€114.70")  # 2 × 39.90 + 34.90
    expect(page.get_by_test_id("compatibility-warning")).to_have_count(0)
    screenshot(page, "community-post-build")
    post = Post.objects.get(title="Magnetic wallet mount with a spare battery")
    assert post.parts.count() == 2

    # Bob, about to post the same idea, is shown Alice's post while typing his title.
    page.context.clear_cookies()
    log_in(page, "bob", settings.DEMO_PASSWORD)
    page.goto("/community/aurora-3/new/")
    page.get_by_label("Title").press_sequentially("wallet mount battery", delay=20)
    similar = page.locator("#similar-posts")
    expect(similar).to_contain_text("Magnetic wallet mount with a spare battery")
    screenshot(page, "community-similar-posts")

    # He finds it through the community's search instead, and votes without leaving the page.
    page.goto("/community/aurora-3/")
    page.get_by_label("Search").fill("wallet battery")
    page.get_by_role("button", name="Search").click()
    result = page.get_by_test_id("post-item").filter(has_text="Magnetic wallet mount")
    expect(result).to_have_count(1)
    expect(page.get_by_test_id("result-count")).to_contain_text("matches “wallet battery”")
    page.evaluate("window.__noReload = true")
    search_url = page.url

    vote = result.get_by_test_id(f"vote-{post.pk}")
    expect(vote.get_by_test_id("vote-count")).to_have_text("0")
    vote.get_by_role("button").click()

    expect(result.get_by_test_id(f"vote-{post.pk}").get_by_test_id("vote-count")).to_have_text("1")
    expect(result.get_by_role("button", name="1 vote, including yours")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("window.__noReload") is True  # updated in place, no page load
    assert page.url == search_url
    screenshot(page, "community-voted-in-search")
    assert Vote.objects.filter(post=post, user__username="bob").count() == 1
    post.refresh_from_db()
    assert post.vote_count == 1

    # The post page agrees, and Alice's reputation shows beside her name.
    result.get_by_role("link", name="Magnetic wallet mount with a spare battery").click()
    expect(page.locator(".post-head .vote-button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".post-head").get_by_test_id("vote-count")).to_have_text("1")
    expect(page.locator(".post-head .reputation")).to_contain_text("2")
