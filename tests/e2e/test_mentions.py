"""Typing @ in a comment box offers the people who may see the post; the one picked is linked in
the comment and hears of it."""

import io

from django.conf import settings
from playwright.sync_api import expect

from cocreate.accounts.models import User
from cocreate.accounts.seed import seed as seed_accounts
from cocreate.notifications.models import Notification
from community import services
from community.models import Comment, Post
from products.models import Product
from products.seed import seed as seed_catalog
from tests.e2e.conftest import log_in, screenshot


def _a_post_with_a_thread() -> Post:
    out = io.StringIO()
    seed_accounts(out)
    seed_catalog(out)
    bob, li = User.objects.get(username="bob"), User.objects.get(username="li")
    bob.display_name = "Bob Marsh"
    bob.save(update_fields=["display_name"])
    User.objects.create_user("bobby_tables", "bobby@example.com", "x", display_name="Bobby T.")
    post = services.post_create(
        author=bob,
        product=Product.objects.get(slug="aurora-3"),
        kind=Post.Kind.SUGGESTION,
        title="A dock that charges the phone and plays music",
        body="A small dock with a speaker: the phone charges and plays at the same time.",
    )
    services.comment_create(post=post, author=li, body="我也想要这个，最好带 USB-C。")
    return post


def test_typing_at_offers_people_and_picking_one_mentions_them(page, transactional_db):
    post = _a_post_with_a_thread()
    log_in(page, "alice", settings.DEMO_PASSWORD)
    page.goto(post.get_absolute_url())

    box = page.get_by_label("Your comment")
    box.click()
    box.press_sequentially("Great idea @", delay=20)
    listbox = page.get_by_role("listbox", name="People to mention")
    expect(listbox).to_contain_text("two letters")  # the hint until a name is begun
    box.press_sequentially("bo", delay=40)

    options = listbox.get_by_role("option")
    # The post's author first (in the thread), then the others by username.
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Bob Marsh")
    expect(options.nth(0)).to_contain_text("@bob")
    expect(options.nth(1)).to_contain_text("@bobby_tables")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", f"{listbox.get_attribute('id')}-0")
    page.set_viewport_size({"width": 1366, "height": 900})
    box.scroll_into_view_if_needed()
    screenshot(page, "mentions-autocomplete-1366")

    options.nth(0).click()
    expect(box).to_have_value("Great idea @bob ")
    expect(listbox).to_be_hidden()

    # The keyboard works too: ↓ then Enter picks the second.
    box.press_sequentially("and @bob", delay=40)
    expect(options).to_have_count(2)
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(box).to_have_value("Great idea @bob and @bobby_tables ")
    box.press_sequentially("what do you think?", delay=10)

    page.get_by_role("button", name="Post comment").click()

    expect(page.get_by_text("Your comment is posted.")).to_be_visible()
    comment = Comment.objects.get(author__username="alice")
    link = page.locator(f"#comment-{comment.pk} a.mention").first
    expect(link).to_have_text("@bob")
    expect(link).to_have_attribute("href", "/community/people/bob/")
    told = Notification.objects.filter(kind="community.mention").values_list(
        "recipient__username", flat=True
    )
    assert sorted(told) == ["bob", "bobby_tables"]


def test_the_at_list_on_a_phone(page, transactional_db):
    post = _a_post_with_a_thread()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "alice", settings.DEMO_PASSWORD)
    page.goto(post.get_absolute_url())

    box = page.get_by_label("Your comment")
    box.click()
    box.press_sequentially("@li", delay=40)

    options = page.get_by_role("listbox", name="People to mention").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options).to_contain_text("李娜")
    box.scroll_into_view_if_needed()
    screenshot(page, "mentions-autocomplete-390")
    box.press("Tab")
    expect(box).to_have_value("@li ")
