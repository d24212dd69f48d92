"""The community pages render for every kind of visitor and show what they promise."""

import pytest
from django.urls import reverse

from community import selectors, services
from community.models import Post
from community.views import communities
from tests.factories.accounts import agent, customer
from tests.factories.community import PostFactory, TagFactory
from tests.factories.products import PartFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_index_lists_communities_by_line(client, product):
    PostFactory(product=product)

    response = client.get(reverse("community:index"))

    assert response.status_code == 200
    assert product.name in response.content.decode()
    assert reverse("community:product", args=[product.slug]) in response.content.decode()


def test_index_lists_the_most_voted_posts_not_the_newest(client, product):
    # given an old post with votes, and newer ones with fewer or none
    supported = PostFactory(product=product, title="Old and popular")
    services.vote_cast(user=customer(), post=supported)
    services.vote_cast(user=customer(), post=supported)
    runner_up = PostFactory(product=product, title="Newer with one vote")
    services.vote_cast(user=customer(), post=runner_up)
    for i in range(communities.INDEX_TOP_POSTS):
        PostFactory(product=product, title=f"Brand new {i}")

    # when the index is read
    top_posts = client.get(reverse("community:index")).context["top_posts"]

    # then the most voted come first, and the list stops at INDEX_TOP_POSTS
    assert [post.title for post in top_posts[:2]] == ["Old and popular", "Newer with one vote"]
    assert len(top_posts) == communities.INDEX_TOP_POSTS


def test_product_feed_shows_posts_with_author_reputation_and_verified_badge(client, product):
    owner = customer(username="owner")
    RegistrationFactory(customer=owner, product=product)
    post = PostFactory(product=product, author=owner, title="Dim the always-on display")
    services.vote_cast(user=customer(), post=post)

    response = client.get(reverse("community:product", args=[product.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Dim the always-on display" in html
    assert "Verified owner" in html
    assert '<span class="reputation"' in html and "</span>2</span>" in html


def test_unknown_product_is_404(client, db):
    assert client.get(reverse("community:product", args=["nope"])).status_code == 404


def test_post_page_shows_build_with_totals_and_compatibility_warning(client, product, part):
    stranger_part = PartFactory(name="Desk lamp clamp", price="5.00", currency="USD")
    post = services.post_create(
        author=customer(),
        product=product,
        kind=Post.Kind.MODIFICATION,
        title="Wireless charging dock",
        body="Printed dock",
        parts=[(part, 2), (stranger_part, 1)],
    )

    response = client.get(post.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "€79.80" in html  # 2 × 39.90, EUR total
    assert "$5.00" in html  # the USD part is totalled apart, never added to euros
    assert "not listed as compatible" in html
    assert html.count('data-testid="build-total"') == 2


def test_hidden_and_deleted_posts_are_404_for_others(client, product):
    hidden = PostFactory(product=product, is_hidden=True, hidden_reason="moderator")
    deleted = PostFactory(product=product, is_deleted=True)
    client.force_login(customer())

    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(deleted.get_absolute_url()).status_code == 404


def test_hidden_post_is_visible_to_its_author_and_moderators(client, product):
    post = PostFactory(product=product, is_hidden=True, hidden_reason="flags")

    client.force_login(post.author)
    assert client.get(post.get_absolute_url()).status_code == 200
    client.force_login(agent())
    assert "flagged this post" in client.get(post.get_absolute_url()).content.decode()


def test_post_under_another_product_slug_redirects_to_its_address(client, product):
    post = PostFactory(product=product)

    response = client.get(reverse("community:post", args=["other-product", post.pk]))

    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_feed_filters_by_kind_status_and_tag(client, product):
    tag = TagFactory(name="battery", slug="battery")
    wanted = PostFactory(
        product=product, kind=Post.Kind.QUESTION, title="Battery question", tags=[tag]
    )
    PostFactory(product=product, kind=Post.Kind.QUESTION, title="Untagged question")
    PostFactory(product=product, kind=Post.Kind.FEEDBACK, title="Battery feedback", tags=[tag])
    url = reverse("community:product", args=[product.slug])

    html = client.get(
        url, {"kind": "question", "tag": "battery", "status": "open"}
    ).content.decode()

    assert wanted.title in html
    assert "Untagged question" not in html
    assert "Battery feedback" not in html


def test_profile_lists_posts_and_reputation(client, product):
    author = customer(username="maker")
    post = PostFactory(product=product, author=author, title="Add a second USB-C port")
    services.vote_cast(user=customer(), post=post)
    services.vote_cast(user=customer(), post=post)

    response = client.get(reverse("community:profile", args=["maker"]))

    html = response.content.decode()
    assert "Add a second USB-C port" in html
    assert 'data-testid="reputation-total">4<' in html


def test_new_post_page_needs_login(client, product):
    response = client.get(reverse("community:post_new", args=[product.slug]))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_moderation_queue_is_404_for_customers_and_open_to_agents(client, product):
    client.force_login(customer())
    assert client.get(reverse("community:moderation")).status_code == 404
    client.force_login(agent())
    assert client.get(reverse("community:moderation")).status_code == 200


def test_line_page_gathers_its_products_posts(client, product):
    PostFactory(product=product, title="From the line page")

    response = client.get(reverse("community:line", args=[product.line.slug]))

    assert "From the line page" in response.content.decode()


def test_moderators_hide_a_comment_from_everyone_else(client, product):
    post = PostFactory(product=product)
    comment = services.comment_create(post=post, author=customer(), body="Buy followers here")
    client.force_login(agent())

    client.post(
        reverse("community:comment_moderate", args=[product.slug, post.pk, comment.pk]),
        {"hidden": "1"},
    )

    client.force_login(customer())
    assert "Buy followers here" not in client.get(post.get_absolute_url()).content.decode()
    client.force_login(agent())
    assert "Buy followers here" in client.get(post.get_absolute_url()).content.decode()


def test_another_app_can_register_a_feed_sort(client, product):
    oldest = PostFactory(product=product, title="Oldest idea")
    PostFactory(product=product, title="Newest idea")
    selectors.register_feed_sort("oldest", "Oldest", ("created_at", "id"))
    try:
        html = client.get(
            reverse("community:product", args=[product.slug]), {"sort": "oldest"}
        ).content.decode()
        api = client.get("/api/v1/posts/", {"product": product.slug, "sort": "oldest"}).json()
    finally:
        del selectors.FEED_SORTS["oldest"]

    assert html.index("Oldest idea") < html.index("Newest idea")
    assert api["results"][0]["id"] == oldest.pk
