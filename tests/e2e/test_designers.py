import io

from django.conf import settings
from playwright.sync_api import expect

from cocreate.accounts.models import User
from cocreate.accounts.seed import seed as seed_accounts
from community.models import Post, Vote
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
    page.get_by_label("Adopted in").select_option(label="Aurora 4")
    screenshot(page, "designers-item")
    page.get_by_role("button", name="Publish the decision").click()
    expect(page.get_by_test_id("item-status")).to_have_text("Adopted")

    # Alice sees the notification and the team's response on her post.
    page.context.clear_cookies()
    log_in(page, "alice", settings.DEMO_PASSWORD)
    page.goto("/notifications/")
    page.get_by_text(f"Adopted in Aurora 4: {post.title}").click()
    expect(page.get_by_role("heading", name="From the team")).to_be_visible()
    expect(page.get_by_text("Built into Aurora 4: thank you, Alice!")).to_be_visible()
    expect(page.get_by_test_id("post-status")).to_have_text("Adopted")
    screenshot(page, "designers-adopted-post")
