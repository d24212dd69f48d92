"""The co-creation loop in a browser: the public roadmap, filtered by status and kind, and a
generation released in the admin whose changelog credits the idea's author and co-author, who
wear its badge on their profile."""

import io
import re

from django.conf import settings
from playwright.sync_api import expect

from cocreate.accounts.models import User
from cocreate.accounts.seed import seed as seed_accounts
from community.models import Post
from community.services import vote_cast
from designers.services import post_status_change
from products.models import Product
from products.seed import seed as seed_catalog
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import customer
from tests.factories.community import PostFactory

PHONE = {"width": 390, "height": 844}


def _demo_catalog() -> dict[str, Product]:
    out = io.StringIO()
    seed_accounts(out)
    seed_catalog(out)
    return Product.objects.in_bulk(field_name="slug")


def _decide(post, status, message, *, target=None) -> Post:
    """Dana's public decision; the generation a planned idea is for is named directly."""
    dana = User.objects.get(username="dana")
    adopted = status == Post.Status.ADOPTED
    post_status_change(
        post=post,
        status=status,
        message=message,
        author=dana,
        adopted_in=target if adopted else None,
    )
    if target is not None and not adopted:
        Post.objects.filter(pk=post.pk).update(adopted_in=target)
    return post


def _idea(product, title, *, kind=Post.Kind.SUGGESTION, votes=0, **fields) -> Post:
    post = PostFactory(product=product, title=title, kind=kind, **fields)
    for _ in range(votes):
        vote_cast(user=customer(), post=post)
    return post


def test_a_visitor_reads_the_roadmap_and_filters_it(page, transactional_db):
    products = _demo_catalog()
    aurora_3, aurora_4 = products["aurora-3"], products["aurora-4"]
    _decide(
        _idea(aurora_3, "Cap charging at 80%", votes=3),
        "in_progress",
        "Our firmware team is building it.",
        target=aurora_4,
    )
    _decide(
        _idea(aurora_3, "Battery swap kit", kind=Post.Kind.MODIFICATION, votes=2),
        "planned",
        "Planned for Aurora 4: it needs a new battery door.",
        target=aurora_4,
    )
    _decide(_idea(aurora_3, "Release notes a week ahead"), "planned", "From the next update on.")
    _decide(
        _idea(products["aurora-2"], "Seven years of updates", votes=4),
        "adopted",
        "Aurora 3 gets seven years of updates.",
        target=aurora_3,
    )

    # From the header, a visitor opens the roadmap of every product.
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Roadmap").click()
    expect(page.get_by_role("heading", name="What we are building with you")).to_be_visible()
    roadmap = page.get_by_test_id("roadmap")
    expect(roadmap.get_by_role("heading", name="Aurora smartphones")).to_be_visible()
    groups = roadmap.get_by_test_id("roadmap-group-title")
    expect(groups).to_have_text(["Aurora 4", "Not scheduled yet", "Aurora 3"])
    expect(page.get_by_test_id("roadmap-idea")).to_have_count(4)
    expect(page.get_by_text("Our firmware team is building it.")).to_be_visible()
    screenshot(page, "roadmap-all")

    # Only what is being built: the tab keeps its filter in the address.
    page.get_by_test_id("roadmap-tab").filter(has_text="In progress").click()
    expect(page).to_have_url(re.compile(r"/roadmap/\?status=in_progress$"))
    expect(page.get_by_test_id("roadmap-idea")).to_have_count(1)
    expect(page.get_by_test_id("roadmap-idea")).to_contain_text("Cap charging at 80%")
    expect(groups).to_have_text(["Aurora 4"])

    # The product's own roadmap, from its product page; planned modifications only.
    page.goto(aurora_3.get_absolute_url())
    page.get_by_role("main").get_by_role("link", name="Roadmap", exact=True).click()
    expect(page.get_by_role("heading", name="What’s next for Aurora 3")).to_be_visible()
    page.get_by_test_id("roadmap-tab").filter(has_text="Planned").click()
    page.get_by_label("Kind").select_option("modification")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"status=planned"))
    expect(page).to_have_url(re.compile(r"kind=modification"))
    expect(page.get_by_test_id("roadmap-idea")).to_have_count(1)
    expect(page.get_by_test_id("roadmap-idea")).to_contain_text("Battery swap kit")
    page.set_viewport_size(PHONE)
    screenshot(page, "roadmap-product-phone")


def test_staff_release_a_generation_and_its_changelog_credits_the_community(page, transactional_db):
    products = _demo_catalog()
    aurora_3, aurora_4 = products["aurora-3"], products["aurora-4"]
    alice, bob = User.objects.get(username="alice"), User.objects.get(username="bob")
    idea = _idea(aurora_3, "Magnetic wallet mount with a spare battery", author=alice, votes=5)
    duplicate = _idea(aurora_3, "A wallet that doubles as a battery", author=bob)
    post_status_change(
        post=duplicate,
        status="duplicate",
        message="The same idea as an earlier post.",
        author=User.objects.get(username="dana"),
        duplicate_of=idea,
    )
    _decide(idea, "adopted", "Built into **Aurora 4**: thank you, Alice!", target=aurora_4)

    # Staff release Aurora 4 from the admin.
    log_in(page, "admin", settings.DEMO_PASSWORD)
    page.goto("/admin/products/product/")
    page.locator(f'input[name="_selected_action"][value="{aurora_4.pk}"]').check()
    page.locator('select[name="action"]').select_option("release")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("1 product released.")).to_be_visible()

    # Its product page opens with the changelog: the idea, its author and co-author.
    page.context.clear_cookies()
    page.goto(aurora_4.get_absolute_url())
    expect(page.get_by_test_id("product-status")).to_have_text("On sale")
    shipped = page.get_by_test_id("cocreated").get_by_role("listitem")
    expect(shipped).to_have_count(1)
    expect(shipped).to_contain_text("Magnetic wallet mount with a spare battery")
    expect(shipped.get_by_test_id("idea-credits")).to_contain_text("alice")
    expect(shipped.get_by_test_id("idea-credits")).to_contain_text("bob (co-author)")
    screenshot(page, "changelog-product-page")

    # The full changelog, then the author's profile and its badge.
    page.get_by_role("link", name="Full changelog").click()
    expect(page.get_by_role("heading", name="What’s new in Aurora 4")).to_be_visible()
    expect(page.get_by_text("Built into Aurora 4: thank you, Alice!")).to_be_visible()
    screenshot(page, "changelog")
    page.get_by_test_id("changelog").get_by_role("link", name="alice", exact=True).click()
    badge = page.get_by_test_id("credit-badges")
    expect(badge).to_contain_text("Co-created Aurora 4")
    screenshot(page, "profile-credit-badge")
    badge.get_by_role("link").click()
    expect(page.get_by_role("heading", name="What’s new in Aurora 4")).to_be_visible()
