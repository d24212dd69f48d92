"""/api/v1/posts/: the feed, writing posts, votes, comments, follows, flags and similar posts."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.serializers import ModelSerializer, Serializer
from rest_framework.test import APIClient

from community import selectors, services
from community.api.serializers import AuthorSerializer, PostSerializer
from community.models import Flag, Follow, Post, Vote
from tests.factories.accounts import agent, customer
from tests.factories.community import PostFactory, TagFactory
from tests.factories.products import PartFactory, ProductFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def api_as(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def veteran(**kwargs):
    """A customer whose account is past the new-account rate limits."""
    return customer(date_joined=timezone.now() - timedelta(days=365), **kwargs)


# --- Reading -------------------------------------------------------------------------------------


def test_post_json_has_the_documented_fields(product, part):
    owner = veteran(username="owner")
    RegistrationFactory(customer=owner, product=product)
    post = services.post_create(
        author=owner,
        product=product,
        kind=Post.Kind.MODIFICATION,
        title="Car mount with charger",
        body="Uses **two** chargers",
        tags=["Car", "charging"],
        parts=[(part, 2)],
    )

    data = api_as().get(f"/api/v1/posts/{post.pk}/").json()

    assert data["product"] == product.slug
    assert data["kind"] == "modification"
    assert data["body_html"] == "<p>Uses <strong>two</strong> chargers</p>\n"
    assert data["author"] == {
        "username": "owner",
        "name": "owner",
        "reputation": 0,
        "verified_owner": True,
    }
    assert sorted(data["tags"]) == ["car", "charging"]
    assert data["parts"][0]["quantity"] == 2 and data["parts"][0]["compatible"] is True
    assert data["total_cost"] == [{"amount": "79.80", "currency": "EUR"}]
    assert {"vote_count", "comment_count", "status", "created_at", "voted"} <= data.keys()


def test_posts_and_authors_are_written_out_as_drf_would(product, part):
    """PostSerializer and AuthorSerializer write their fields out by hand (a feed page's cost):
    the JSON stays DRF's, in the reader's time zone, for every kind of value."""
    _populate(product, 2)
    plain = PostFactory(product=product, language="")
    first, second = Post.objects.exclude(pk=plain.pk).order_by("pk")
    services.post_update(
        post=first,
        editor=first.author,
        kind=first.kind,
        title="Edited",
        body="b",
        tags=[],
        parts=[(part, 3)],
        language="en",
    )
    Post.objects.filter(pk=second.pk).update(
        status=Post.Status.DUPLICATE, duplicate_of=first, is_locked=True
    )
    viewer = veteran()
    services.vote_cast(user=viewer, post=first)
    posts = list(
        selectors.with_list_relations(Post.objects.all()).prefetch_related(
            selectors.parts_prefetch()
        )
    )
    selectors.decorate_tag_names(selectors.decorate_posts(posts, viewer))

    for zone in ("UTC", "Asia/Shanghai"):
        with timezone.override(zone):
            for post in posts:
                written_out = PostSerializer().to_representation(post)
                generic = ModelSerializer.to_representation(PostSerializer(), post)
                author = Serializer.to_representation(AuthorSerializer(), post)
                assert json.dumps(written_out) == json.dumps(generic)
                assert written_out["author"] == author
    assert {post.edited_at is None for post in posts} == {True, False}
    # the tags as read for the API (names, one query) are the prefetched Tags' names, in order
    assert [post.tag_names for post in posts] == [
        [tag.name for tag in post.tags.all()] for post in posts
    ]
    assert max(len(post.tag_names) for post in posts) > 1


def test_list_filters_and_full_text_search(product):
    other = ProductFactory()
    tag = TagFactory(name="battery", slug="battery")
    hit = PostFactory(product=product, title="Battery drains overnight", tags=[tag])
    PostFactory(product=product, title="Louder speaker", body="More volume please")
    PostFactory(product=other, title="Battery drains overnight on the other product")

    client = api_as()
    by_search = client.get("/api/v1/posts/", {"product": product.slug, "q": "batteries drain"})
    by_tag = client.get("/api/v1/posts/", {"product": product.slug, "tag": "battery"})

    assert [row["id"] for row in by_search.json()["results"]] == [hit.pk]
    assert [row["id"] for row in by_tag.json()["results"]] == [hit.pk]


def test_search_ranks_title_matches_first(product):
    in_body = PostFactory(product=product, title="Ideas", body="the hinge squeaks")
    in_title = PostFactory(product=product, title="The hinge squeaks", body="since day one")

    data = api_as().get("/api/v1/posts/", {"product": product.slug, "q": "hinge"}).json()

    assert [row["id"] for row in data["results"]] == [in_title.pk, in_body.pk]


def test_top_sort_orders_by_votes(product):
    quiet = PostFactory(product=product)
    popular = PostFactory(product=product)
    for _ in range(2):
        services.vote_cast(user=customer(), post=popular)

    data = api_as().get("/api/v1/posts/", {"product": product.slug, "sort": "top"}).json()

    assert [row["id"] for row in data["results"]] == [popular.pk, quiet.pk]


def test_unknown_filter_values_are_400_and_unknown_products_match_nothing(product):
    PostFactory(product=product)
    client = api_as()
    assert client.get("/api/v1/posts/", {"product": "nope"}).json()["results"] == []
    assert client.get("/api/v1/posts/", {"sort": "random"}).status_code == 400
    assert client.get("/api/v1/posts/", {"kind": "rant"}).status_code == 400


def test_hidden_and_deleted_posts_are_404(product):
    hidden = PostFactory(product=product, is_hidden=True, hidden_reason="moderator")
    deleted = PostFactory(product=product, is_deleted=True)

    assert api_as(customer()).get(f"/api/v1/posts/{hidden.pk}/").status_code == 404
    assert api_as(customer()).get(f"/api/v1/posts/{deleted.pk}/").status_code == 404
    assert api_as(agent()).get(f"/api/v1/posts/{hidden.pk}/").status_code == 200


# --- Writing -------------------------------------------------------------------------------------


def test_create_a_modification_with_parts(product, part):
    author = veteran()

    response = api_as(author).post(
        "/api/v1/posts/",
        {
            "product": product.slug,
            "kind": "modification",
            "title": "Quiet fan profile",
            "body": "Swap the fan",
            "tags": ["fan"],
            "parts": [{"part": part.pk, "quantity": 3}],
        },
    )

    assert response.status_code == 201, response.json()
    assert response.json()["total_cost"] == [{"amount": "119.70", "currency": "EUR"}]
    post = Post.objects.get(pk=response.json()["id"])
    assert Follow.objects.filter(user=author, post=post).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"body": "x" * 20001}, "body"),
        ({"product": "no-such-product"}, "product"),
        ({"parts": [{"part": 999999, "quantity": 1}]}, "parts"),
        ({"kind": "suggestion"}, "parts"),  # a part list on a non-modification
        ({"kind": "evaluation"}, "kind"),
        ({"parts": "<script>"}, "parts"),
    ],
)
def test_bad_input_is_400_with_field_errors_and_saves_nothing(product, part, change, field):
    payload = {
        "product": product.slug,
        "kind": "modification",
        "title": "A fine title",
        "body": "Body",
        "parts": [{"part": part.pk, "quantity": 1}],
    } | change

    response = api_as(veteran()).post("/api/v1/posts/", payload)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Post.objects.exists()


def test_scripts_in_user_text_never_survive(product):
    response = api_as(veteran()).post(
        "/api/v1/posts/",
        {
            "product": product.slug,
            "kind": "feedback",
            "title": "<script>alert(1)</script> title",
            "body": "<img src=x onerror=alert(1)> [click](javascript:alert(1)) <script>x</script>",
        },
    )

    html = response.json()["body_html"]
    # Escaped text is harmless; no tag, event handler or javascript: link is left to run.
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_only_the_author_edits_and_deletes(product):
    post = PostFactory(product=product, author=veteran())
    url = f"/api/v1/posts/{post.pk}/"

    assert api_as(veteran()).patch(url, {"title": "Hijacked"}).status_code == 403
    assert api_as(veteran()).delete(url).status_code == 403
    response = api_as(post.author).patch(url, {"title": "A better title"})
    assert response.status_code == 200 and response.json()["title"] == "A better title"
    assert api_as(post.author).delete(url).status_code == 204
    post.refresh_from_db()
    assert post.is_deleted
    assert api_as().get(url).status_code == 404


# --- Votes, comments, follows, flags -------------------------------------------------------------


def test_vote_post_and_delete_are_idempotent(product):
    post = PostFactory(product=product)
    voter = veteran()
    client = api_as(voter)
    url = f"/api/v1/posts/{post.pk}/vote/"

    assert client.post(url).json() == {"vote_count": 1, "voted": True}
    assert client.post(url).json() == {"vote_count": 1, "voted": True}
    assert Follow.objects.filter(user=voter, post=post).exists()
    assert client.delete(url).json() == {"vote_count": 0, "voted": False}
    assert client.delete(url).json() == {"vote_count": 0, "voted": False}
    assert not Vote.objects.exists()


def test_voting_needs_an_account(product):
    post = PostFactory(product=product)
    assert api_as().post(f"/api/v1/posts/{post.pk}/vote/").status_code == 401


def test_voting_on_a_locked_or_hidden_post_is_refused(product):
    locked = PostFactory(product=product, is_locked=True)
    hidden = PostFactory(product=product, is_hidden=True, hidden_reason="moderator")

    locked_response = api_as(veteran()).post(f"/api/v1/posts/{locked.pk}/vote/")
    # The post's state refuses it: a 409, like every other state refusal.
    assert locked_response.status_code == 409
    assert locked_response.json()["code"] == "conflict"
    assert "locked" in locked_response.json()["detail"]
    # Customers cannot see a hidden post at all; a moderator sees it but cannot vote.
    assert api_as(veteran()).post(f"/api/v1/posts/{hidden.pk}/vote/").status_code == 404
    assert api_as(agent()).post(f"/api/v1/posts/{hidden.pk}/vote/").status_code == 409
    assert not Vote.objects.exists()


def test_a_posts_actions_see_it_as_its_page_does(product):
    """The actions (comments, votes, follows, flags, the @ list) find their post in one query
    and ask the caller's roles only for a hidden one: hidden posts are for their author and the
    moderators, deleted ones for nobody."""
    author = veteran()
    hidden = PostFactory(product=product, author=author, is_hidden=True, hidden_reason="moderator")
    deleted = PostFactory(product=product, is_deleted=True)

    def comments(client, post):
        return client.get(f"/api/v1/posts/{post.pk}/comments/").status_code

    assert comments(api_as(), hidden) == 404
    assert comments(api_as(veteran()), hidden) == 404
    assert comments(api_as(author), hidden) == 200
    assert comments(api_as(agent()), hidden) == 200
    assert comments(api_as(agent()), deleted) == 404
    assert comments(api_as(), deleted) == 404


def test_commenting_on_a_locked_post_is_a_409(product):
    locked = PostFactory(product=product, is_locked=True)

    response = api_as(veteran()).post(f"/api/v1/posts/{locked.pk}/comments/", {"body": "+1"})

    assert response.status_code == 409
    assert set(response.json()) == {"detail", "code"}
    assert response.json()["code"] == "conflict"
    assert "locked" in response.json()["detail"]
    # Invalid input is still a 400, whatever the post's state.
    empty = api_as(veteran()).post(f"/api/v1/posts/{locked.pk}/comments/", {"body": ""})
    assert empty.status_code == 400


def test_comments_list_and_create_official_by_team(product):
    post = PostFactory(product=product)
    client = api_as(agent())

    created = client.post(f"/api/v1/posts/{post.pk}/comments/", {"body": "We are on it"})
    listed = api_as().get(f"/api/v1/posts/{post.pk}/comments/").json()

    assert created.status_code == 201
    assert created.json()["is_official"] is True
    assert listed["count"] == 1 and listed["results"][0]["body"] == "We are on it"
    post.refresh_from_db()
    assert post.comment_count == 1


def test_empty_comment_is_400(product):
    post = PostFactory(product=product)
    response = api_as(veteran()).post(f"/api/v1/posts/{post.pk}/comments/", {"body": ""})
    assert response.status_code == 400 and "body" in response.json()["errors"]


def test_follow_and_unfollow(product):
    post = PostFactory(product=product)
    client = api_as(veteran())
    assert client.post(f"/api/v1/posts/{post.pk}/follow/").json() == {"following": True}
    assert client.post(f"/api/v1/posts/{post.pk}/follow/").json() == {"following": True}
    assert client.delete(f"/api/v1/posts/{post.pk}/follow/").json() == {"following": False}


def test_flagging_twice_is_400(product):
    post = PostFactory(product=product)
    client = api_as(veteran())
    url = f"/api/v1/posts/{post.pk}/flag/"

    assert client.post(url, {"reason": "spam"}).status_code == 201
    second = client.post(url, {"reason": "abuse"})

    assert second.status_code == 400
    assert "reason" in second.json()["errors"]
    assert Flag.objects.count() == 1


def test_similar_posts(product):
    match = PostFactory(product=product, title="Screen flickers at low brightness")
    PostFactory(product=product, title="Case is slippery")

    data = (
        api_as()
        .get("/api/v1/posts/similar/", {"product": product.slug, "q": "flicker on my screen"})
        .json()
    )

    assert [row["id"] for row in data] == [match.pk]
    assert api_as().get("/api/v1/posts/similar/", {"product": "x", "q": "a"}).status_code == 404
    assert api_as().get("/api/v1/posts/similar/", {"product": product.slug}).status_code == 400


# --- Rate limits ---------------------------------------------------------------------------------


def test_voting_too_fast_is_429_with_retry_after(product, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"community_vote": "2/hour"}
    }
    post = PostFactory(product=product)
    client = api_as(veteran())
    url = f"/api/v1/posts/{post.pk}/vote/"

    assert client.post(url).status_code == 200
    assert client.delete(url).status_code == 200
    refused = client.post(url)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert not Vote.objects.exists()


def test_new_accounts_get_the_stricter_posting_limit(product):
    newcomer = customer()  # joined just now
    old_hand = veteran()

    def publish(user, n):
        return api_as(user).post(
            "/api/v1/posts/",
            {"product": product.slug, "kind": "question", "title": f"Question {n}", "body": "?"},
        )

    newcomer_codes = [publish(newcomer, n).status_code for n in range(4)]
    old_hand_codes = [publish(old_hand, n).status_code for n in range(4)]

    assert newcomer_codes == [201, 201, 201, 429]  # community_post_new_account: 3/hour
    assert old_hand_codes == [201, 201, 201, 201]


# --- Query counts --------------------------------------------------------------------------------


def _populate(product, n):
    parts = [PartFactory(compatible_with=[product]) for _ in range(2)]
    tag = TagFactory(name="common", slug="common")
    for i in range(n):
        author = customer()
        RegistrationFactory(customer=author, product=product)
        post = services.post_create(
            author=author,
            product=product,
            kind=Post.Kind.MODIFICATION,
            title=f"Build number {i}",
            body="parts",
            tags=[tag.name, f"t{i}"],
            parts=[(parts[0], 1), (parts[1], 2)],
        )
        services.vote_cast(user=customer(), post=post)
        services.comment_create(post=post, author=customer(), body="Nice")


@pytest.mark.parametrize("n", [3, 12])
def test_list_runs_a_fixed_number_of_queries(product, django_assert_num_queries, n):
    _populate(product, n)
    client = api_as(veteran())

    # posts (of the product: a subquery), tags, parts, reputation, verified owners, the
    # viewer's votes (no count)
    with django_assert_num_queries(6):
        response = client.get("/api/v1/posts/", {"product": product.slug, "page_size": 100})
    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [3, 12])
def test_comment_list_runs_a_fixed_number_of_queries(product, django_assert_num_queries, n):
    post = PostFactory(product=product)
    for _ in range(n):
        services.comment_create(post=post, author=customer(), body="me too")
    client = api_as()

    # post, count, comments, reputation, verified owners
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/posts/{post.pk}/comments/")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 10])
def test_a_vote_runs_a_fixed_number_of_queries(product, django_assert_num_queries, n):
    post = PostFactory(product=product)
    for _ in range(n):
        services.vote_cast(user=customer(), post=post)
    client = api_as(veteran())

    # the service's savepoint and its release (a test runs in a transaction), the post read
    # once, under its row lock, with whether the voter confirmed their address (the caller's
    # roles only for a hidden post), the vote with its follow and the counter (one statement),
    # the ledger line with the author's total (one statement)
    with django_assert_num_queries(5):
        response = client.post(f"/api/v1/posts/{post.pk}/vote/")
    assert response.json() == {"vote_count": n + 1, "voted": True}
    # a repeat changes nothing: savepoint, release, the locked post, a vote statement doing
    # nothing
    with django_assert_num_queries(4):
        again = client.post(f"/api/v1/posts/{post.pk}/vote/")
    assert again.json() == {"vote_count": n + 1, "voted": True}
    assert Vote.objects.filter(post=post).count() == n + 1
    assert Follow.objects.filter(post=post).count() == n + 1


@pytest.mark.parametrize("n", [2, 9])
def test_a_post_reads_in_a_fixed_number_of_queries(product, django_assert_num_queries, n):
    # given a modification with a build, and n votes, comments and owners around it
    _populate(product, 1)
    post = Post.objects.get()
    for _ in range(n):
        commenter = customer()
        RegistrationFactory(customer=commenter, product=product)
        services.vote_cast(user=commenter, post=post)
        services.comment_create(post=post, author=commenter, body="me too")
    client = api_as(veteran())

    # then the caller's roles, the post with product and author, tags, parts, reputation,
    # verified owner, the viewer's vote: whatever n is
    with django_assert_num_queries(7):
        response = client.get(f"/api/v1/posts/{post.pk}/")
    assert response.json()["vote_count"] == n + 1


@pytest.mark.parametrize("n", [3, 12])
def test_similar_posts_run_a_fixed_number_of_queries(product, django_assert_num_queries, n):
    _populate(product, n)

    # the product, the ranked posts
    with django_assert_num_queries(2):
        response = api_as().get("/api/v1/posts/similar/", {"product": product.slug, "q": "build"})
    assert len(response.json()) == min(n, 5)


def test_similar_posts_are_at_most_five_best_first(product):
    # given seven posts sharing a word, two of them sharing more
    for i in range(5):
        PostFactory(product=product, title=f"Battery idea {i}")
    best = [
        PostFactory(product=product, title="Battery drains overnight, battery drains fast"),
        PostFactory(product=product, title="Battery drains when idle"),
    ]

    # when similar posts are asked for
    data = (
        api_as()
        .get("/api/v1/posts/similar/", {"product": product.slug, "q": "battery drains"})
        .json()
    )

    # then five come back, the closest matches first
    assert len(data) == 5
    assert {row["id"] for row in data[:2]} == {post.pk for post in best}
