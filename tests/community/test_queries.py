"""Every community page runs the same number of queries whatever the amount of data."""

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import selectors, services
from community.models import Flag, Post
from community.views import communities
from tests.conftest import clear_cache
from tests.factories.accounts import agent, customer
from tests.factories.community import PostFactory, TagFactory
from tests.factories.products import PartFactory, RegistrationFactory
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db


def _populate(product, n, *, author=None):
    parts = [PartFactory(compatible_with=[product]), PartFactory()]
    tag = TagFactory(name="common", slug="common")
    posts = []
    for i in range(n):
        writer = author or customer()
        RegistrationFactory(customer=writer, product=product)
        post = services.post_create(
            author=writer,
            product=product,
            kind=Post.Kind.MODIFICATION,
            title=f"Build number {i}",
            body="parts",
            tags=[tag.name, f"t{i}"],
            parts=[(parts[0], 1), (parts[1], 2)],
        )
        services.vote_cast(user=customer(), post=post)
        services.comment_create(post=post, author=customer(), body="Nice")
        services.flag_create(reporter=customer(), post=post, reason=Flag.Reason.SPAM)
        posts.append(post)
    return posts


@pytest.fixture
def viewer(client):
    user = customer()
    client.force_login(user)
    return user


# user, their roles (header) and unread notifications come with every logged-in page; the session
# comes from the cache (cocreate/accounts/sessions.py), from the database once the cache is cleared
BASE = 3
CLEARED_CACHE_BASE = BASE + 1


@pytest.mark.parametrize("n", [2, 9])
def test_product_feed(client, viewer, product, django_assert_num_queries, n):
    _populate(product, n)
    url = reverse("community:product", args=[product.slug])
    # product, facets (kind counts and the filters' choices), matches (capped count), posts, tags, reputation, verified, votes,
    # the community's followers and whether the viewer follows it
    with django_assert_num_queries(BASE + 9):
        client.get(url, {"q": "build", "kind": "modification"})


@pytest.mark.parametrize("n", [2, 9])
def test_every_feed_page_runs_the_same_queries_without_a_count(
    client, viewer, product, django_assert_num_queries, monkeypatch, n
):
    _populate(product, n)
    monkeypatch.setattr(communities, "FEED_PAGE_SIZE", 1)
    url = reverse("community:product", args=[product.slug])
    params, seen = {"sort": "top", "tag": "common"}, []
    while True:
        clear_cache()  # the kind counts are cached for a few seconds: count them every time
        # product, kind counts, posts, tags, reputation, verified, viewer's votes, follow
        # state: no count
        with django_assert_num_queries(CLEARED_CACHE_BASE + 8):
            page = client.get(url, params).context["page"]
        seen += [post.pk for post in page.object_list]
        if not page.has_next:
            break
        params["cursor"] = page.next_cursor
    assert len(seen) == len(set(seen)) == n


@pytest.mark.parametrize("n", [2, 9])
def test_line_page(client, viewer, product, django_assert_num_queries, n):
    _populate(product, n)
    url = reverse("community:line", args=[product.line.slug])
    # line, products with counts, the filters' choices (posts by kind, status and language),
    # posts, tags, reputation, verified, viewer's votes
    with django_assert_num_queries(BASE + 8):
        client.get(url)


@pytest.mark.parametrize("n", [2, 9])
def test_index(client, viewer, product, django_assert_num_queries, n):
    _populate(product, n)
    # top posts, tags, reputation, verified, viewer's votes, lines, products
    with django_assert_num_queries(BASE + 7):
        client.get(reverse("community:index"))


@pytest.mark.parametrize("n", [2, 9])
def test_post_page(client, viewer, product, django_assert_num_queries, n):
    post = _populate(product, 1)[0]
    for _ in range(n):
        commenter = customer()
        RegistrationFactory(customer=commenter, product=product)
        services.comment_create(post=post, author=commenter, body="me too")
        services.vote_cast(user=commenter, post=post)
    # post, tags, images, parts, status changes, reputation, verified, viewer's votes,
    # comment count, comments, their authors' reputation and ownership, viewer state
    with django_assert_num_queries(BASE + 13):
        client.get(post.get_absolute_url())


@pytest.mark.parametrize("n", [2, 9])
def test_profile(client, viewer, product, django_assert_num_queries, n):
    author = customer(username="prolific")
    _populate(product, n, author=author)
    # person, their roles, count, posts, tags, reputation, verified, viewer's votes, total,
    # breakdown, recent ledger lines, credits per released generation
    with django_assert_num_queries(BASE + 12):
        client.get(reverse("community:profile", args=["prolific"]))


@pytest.mark.parametrize("n", [2, 9])
def test_moderation_queue(client, product, django_assert_num_queries, n):
    _populate(product, n)
    client.force_login(agent())
    # counts, count, posts, open flags with reporters
    with django_assert_num_queries(BASE + 4):
        client.get(reverse("community:moderation"))


@pytest.mark.parametrize("n", [2, 9])
def test_similar_posts(client, product, django_assert_num_queries, n):
    _populate(product, n)
    url = reverse("community:similar", args=[product.slug])
    # the product, the ranked posts (at most 5)
    with django_assert_num_queries(2):
        response = client.get(url, {"title": "build number"})
    assert len(response.context["posts"]) == min(n, 5)


@pytest.mark.parametrize("n", [2, 9])
def test_a_search_that_forgives_runs_a_bounded_number_of_queries(
    client, viewer, product, django_assert_num_queries, n
):
    from cocreate.core.vocabulary import refresh_vocabulary

    _populate(product, n)
    refresh_vocabulary()
    url = reverse("community:product", args=[product.slug])
    # the feed's (BASE + 9 above) and the vocabulary, then the count of the corrected words
    clear_cache()
    with django_assert_num_queries(CLEARED_CACHE_BASE + 11):
        assert client.get(url, {"q": "biuld"}).context["forgiven"].corrected == "build"
    # … then the count of any of the words
    clear_cache()
    with django_assert_num_queries(CLEARED_CACHE_BASE + 12):
        assert client.get(url, {"q": "biuld teleport"}).context["forgiven"].any_words
    # nothing found: no post to decorate, the offer to post it
    clear_cache()
    with django_assert_num_queries(CLEARED_CACHE_BASE + 7):
        assert client.get(url, {"q": "teleport module"}).context["post_it"]


def test_a_vote_locks_the_post_and_writes_in_two_statements(product):
    post = services.post_create(
        author=customer(), product=product, kind=Post.Kind.SUGGESTION, title="An idea", body="x"
    )
    voter = customer()
    services.vote_cast(user=customer(), post=post)

    # the savepoint and its release (a test runs in a transaction), the post's row lock (read
    # with the voter's address check for a cast), the vote with its follow and the count, the
    # ledger line with the author's total
    for vote, statements in ((services.vote_cast, 5), (services.vote_withdraw, 5)):
        with CaptureQueriesContext(connection) as queries:
            vote(user=voter, post=post)
        assert len(queries.captured_queries) == statements
        (lock,) = [
            query["sql"] for query in queries.captured_queries if "FOR UPDATE" in query["sql"]
        ]
        assert '"body' not in lock and "search" not in lock  # no texts read under the lock
    post.refresh_from_db()
    assert post.vote_count == 1


def test_the_post_page_counts_its_linked_tickets_without_grouping_the_post(product):
    """Grouping the page's eight joined tables by every column cost more planning than running."""
    post = _populate(product, 1)[0]
    TicketFactory.create_batch(2, linked_post=post)
    with CaptureQueriesContext(connection) as queries:
        read = selectors.post_for_page(post.pk)
    assert read.linked_ticket_count == 2
    assert "GROUP BY" not in queries.captured_queries[0]["sql"]


def test_a_vote_from_the_page_runs_a_fixed_number_of_queries(client, product):
    post = services.post_create(
        author=customer(), product=product, kind=Post.Kind.SUGGESTION, title="An idea", body="x"
    )
    client.force_login(customer())
    url = reverse("community:post_vote", args=[product.slug, post.pk])
    client.get(reverse("community:product", args=[product.slug]))  # the session's activity noted

    # the user, the post with its product and author, the savepoint and its release (a test
    # runs in a transaction), the post's row lock with the voter's address check, the vote with
    # its follow and the count, the ledger line with the author's total
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"voted": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert len(queries.captured_queries) == 7


def test_a_vote_reads_its_post_without_compiling_sql_again(product, monkeypatch):
    """The hottest write's locked read is compiled once per process: compiling it cost the ORM
    more CPU than PostgreSQL takes to run it."""
    post = PostFactory(product=product)
    services.vote_cast(user=customer(), post=post)
    voter = customer()
    compiled = []
    compile_sql = SQLCompiler.as_sql

    def as_sql(compiler, *args, **kwargs):
        compiled.append(compiler.query.model)
        return compile_sql(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    assert services.vote_cast(user=voter, post=post).vote_count == 2
    assert Post not in compiled
