import io

from django.conf import settings
from playwright.sync_api import expect

from cocreate.accounts.models import User
from cocreate.accounts.seed import seed as seed_accounts
from community.models import Comment, Post, Vote
from designers.surfacing import surface_popular
from products.models import Product
from products.seed import seed as seed_catalog
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import UserFactory


def _surfaced_modification() -> Post:
    out = io.StringIO()
    seed_accounts(out)
    seed_catalog(out)
    alice = User.objects.get(username="alice")
    post = Post.objects.create(
        product=Product.objects.get(slug="aurora-3"),
        author=alice,
        kind=Post.Kind.MODIFICATION,
        title="Magnetic wallet mount with a spare battery",
        body="A spare battery in a wallet mount.",
        body_html="<p>A spare battery in a wallet mount.</p>",
    )
    post.follows.create(user=alice)
    voters = [UserFactory() for _ in range(60)]
    Vote.objects.bulk_create(Vote(user=voter, post=post) for voter in voters)
    Post.objects.filter(pk=post.pk).update(vote_count=len(voters))
    assert surface_popular().surfaced == 1
    return post


def test_a_designer_adopts_a_surfaced_modification_and_its_author_hears(page, transactional_db):
    post = _surfaced_modification()

    # Dana, a designer, opens the review queue and the surfaced modification.
    log_in(page, "dana", settings.DEMO_PASSWORD)
    page.get_by_role("link", name="Design").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    screenshot(page, "designers-queue")
    page.get_by_role("link", name=post.title).click()
    expect(page.get_by_role("heading", name=post.title, level=1)).to_be_visible()
    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_text("Assigned to you", exact=True)).to_be_visible()

    # She adopts it into the next generation, with a public message.
    page.get_by_label("New status").select_option("adopted")
    page.get_by_label("Public message").fill("Built into **Aurora 4**: thank you, Alice!")
    page.get_by_label("Product generation").select_option(label="Aurora 4 · In development")
    screenshot(page, "designers-item")
    page.get_by_role("button", name="Publish the decision").click()
    expect(page.get_by_test_id("item-status")).to_have_text("Adopted")

    # Alice sees the notification and the team's response on her post.
    page.context.clear_cookies()
    log_in(page, "alice", settings.DEMO_PASSWORD)
    page.goto("/notifications/")
    notification = page.locator(".notification", has_text=f"Adopted in Aurora 4: {post.title}")
    notification.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", name="From the team")).to_be_visible()
    expect(page.get_by_text("Built into Aurora 4: thank you, Alice!")).to_be_visible()
    expect(page.get_by_test_id("post-status")).to_have_text("Adopted")
    screenshot(page, "designers-adopted-post")


def test_a_designer_reads_the_discussion_and_plans_an_idea_for_the_next_generation(
    page, transactional_db
):
    post = _surfaced_modification()
    Comment.objects.create(
        post=post,
        author=User.objects.get(username="bob"),
        body="The sled rattles in my pocket.",
        body_html="<p>The sled rattles in my pocket.</p>",
    )
    Comment.objects.create(
        post=post,
        author=User.objects.get(username="sam"),
        body="A rubber pad fixes it.",
        body_html="<p>A rubber pad fixes it.</p>",
        is_official=True,
    )
    Post.objects.filter(pk=post.pk).update(comment_count=2)

    # Dana opens the surfaced modification from the review queue.
    log_in(page, "dana", settings.DEMO_PASSWORD)
    page.get_by_role("link", name="Design").click()
    page.get_by_role("link", name=post.title).click()
    expect(page.get_by_role("heading", name=post.title, level=1)).to_be_visible()

    # She reads the discussion: the agent's answer is marked official.
    discussion = page.locator("#discussion")
    expect(discussion.get_by_role("heading")).to_have_text("Discussion: 2 comments")
    expect(discussion.get_by_test_id("comment").first).to_contain_text("rattles in my pocket")
    official = discussion.get_by_test_id("comment").nth(1)
    expect(official).to_contain_text("A rubber pad fixes it.")
    expect(official).to_contain_text("Official")

    # Discontinued generations are not offered; she plans it for the Aurora 4.
    generation = page.get_by_label("Product generation")
    expect(generation.locator("option", has_text="Aurora 2")).to_have_count(0)
    page.get_by_label("New status").select_option("planned")
    generation.select_option(label="Aurora 4 · In development")
    message = page.get_by_label("Public message")
    message.fill("Planned for the **Aurora 4**, with the rubber pad.")
    expect(page.get_by_test_id("char-count")).to_have_text("50 of 10,000 characters")
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")  # the sticky header stays on top of the shot
        screenshot(page, f"designers-item-{width}")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("button", name="Publish the decision").click()

    # The item shows the decision and the generation it names, on its timeline too.
    expect(page.get_by_test_id("item-status")).to_have_text("Planned")
    expect(page.get_by_test_id("item-generation")).to_have_text("for Aurora 4")
    expect(page.get_by_test_id("decision")).to_contain_text("for Aurora 4")

    # The post's public page shows the decision to everyone.
    page.context.clear_cookies()
    page.goto(post.get_absolute_url())
    expect(page.get_by_test_id("post-status")).to_have_text("Planned")
    expect(page.get_by_role("link", name="Planned for Aurora 4")).to_be_visible()
    expect(page.get_by_role("heading", name="From the team")).to_be_visible()
    expect(page.get_by_text("Planned for the Aurora 4, with the rubber pad.")).to_be_visible()
    screenshot(page, "designers-planned-post")
