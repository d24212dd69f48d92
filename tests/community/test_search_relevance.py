"""Relevance ranks a bounded set of candidates (docs/search.md, "Ranking a bounded candidate
set"): the newest matches, never every match; the count still counts them all, pages still
visit each candidate once, and small results are ranked as they always were."""

from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import F, FloatField
from django.db.models.functions import Cast
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cocreate.core.vocabulary import refresh_vocabulary
from community import selectors
from community.models import Post
from community.views import communities
from tests.conftest import clear_cache
from tests.factories.accounts import customer
from tests.factories.community import PostFactory
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db

CANDIDATES = 3


@pytest.fixture
def few_candidates(monkeypatch):
    monkeypatch.setattr(selectors, "RELEVANCE_CANDIDATES", CANDIDATES)


@pytest.fixture
def hinges(product):
    """Nine posts about hinges, each older than the one before (the 3 newest, the candidates,
    are 0-2), with votes that do not follow their age. Post 8, the oldest and the most voted,
    says "hinge" most: it ranks first of all, but is no candidate."""
    now = timezone.now()
    votes = [0, 1, 9, 2, 8, 3, 7, 1, 10]
    posts = []
    for i, vote_count in enumerate(votes):
        wordy = i == 8
        post = PostFactory(
            product=product,
            title="Hinge hinge hinge" if wordy else f"Idea {i} about the hinge",
            body="hinge " * (12 if wordy else i % 4 + 1),
        )
        Post.objects.filter(pk=post.pk).update(
            created_at=now - timedelta(days=i), vote_count=vote_count
        )
        posts.append(post)
    return posts


def ranked_ids(product, q, *, among=None) -> list[int]:
    """Every match of `q` (text or a SearchQuery) in `product` ranked as relevance always ranked
    them (all of them)."""
    query = selectors.search_query(q) if isinstance(q, str) else q
    posts = (
        Post.objects.listed()
        .filter(product=product, search_vector=query)
        .annotate(rank=Cast(SearchRank(F("search_vector"), query), FloatField()))
    )
    if among is not None:
        posts = posts.filter(pk__in=among)
    return list(posts.order_by("-rank", "-vote_count", "-id").values_list("pk", flat=True))


def feed_ids(product, **filters) -> list[int]:
    feed = selectors.post_feed(selectors.FeedFilters(**filters), product=product)
    return list(feed.values_list("pk", flat=True))


def candidate_ids(hinges) -> set[int]:
    return {hinges[i].pk for i in range(CANDIDATES)}


def test_relevance_ranks_only_the_newest_matches(product, hinges, few_candidates):
    relevance = feed_ids(product, q="hinge")

    assert set(relevance) == candidate_ids(hinges)
    assert relevance == ranked_ids(product, "hinge", among=candidate_ids(hinges))
    # the best match beyond the candidates is lost to relevance, not to the other sorts
    assert ranked_ids(product, "hinge")[0] == hinges[8].pk
    assert hinges[8].pk in feed_ids(product, q="hinge", sort="new")
    assert len(feed_ids(product, q="hinge", sort="top")) == 9


def test_a_new_post_is_a_candidate_at_once(product, hinges, few_candidates):
    new = PostFactory(product=product, title="The hinge again", body="hinge")

    assert new.pk in feed_ids(product, q="hinge")
    assert hinges[CANDIDATES - 1].pk not in feed_ids(product, q="hinge")


def test_the_ranking_query_reads_a_bounded_candidate_set(product, hinges):
    feed = selectors.post_feed(selectors.FeedFilters(q="hinge"), product=product)

    with CaptureQueriesContext(connection) as ctx:
        list(feed[:20])

    sql = ctx.captured_queries[0]["sql"]
    candidates = (
        f'ORDER BY U0."created_at" DESC, U0."id" DESC LIMIT {selectors.RELEVANCE_CANDIDATES})'
    )
    assert '"community_post"."id" IN (SELECT' in sql and candidates in sql


def test_the_count_counts_every_match_newest_first_up_to_the_cap(product, hinges, few_candidates):
    with CaptureQueriesContext(connection) as ctx:
        search = selectors.searched_feed(selectors.FeedFilters(q="hinge"), product=product)

    assert search.match_count == 9
    assert len(list(search.posts)) == CANDIDATES
    # the count walks the newest-first index (a range) rather than every match in any order
    count_sql = ctx.captured_queries[0]["sql"]
    assert "ORDER BY" in count_sql and f"LIMIT {selectors.SEARCH_COUNT_CAP + 1}" in count_sql


def test_small_results_rank_every_match_as_before(product, hinges):
    assert feed_ids(product, q="hinge") == ranked_ids(product, "hinge")
    assert feed_ids(product, q="idea hinge") == ranked_ids(product, "idea hinge")


def test_api_pages_visit_every_candidate_once_in_order_both_ways(product, hinges, few_candidates):
    expected = ranked_ids(product, "hinge", among=candidate_ids(hinges))
    client = APIClient()
    forward, pages = [], []
    url, params = "/api/v1/posts/", {"product": product.slug, "q": "hinge", "page_size": 2}
    while url:
        data = client.get(url, params).json()
        pages.append([row["id"] for row in data["results"]])
        forward += pages[-1]
        url, params = data["next"], None
    backward, url = [], data["previous"]
    while url:
        data = client.get(url).json()
        backward = [row["id"] for row in data["results"]] + backward
        url = data["previous"]

    assert forward == expected and backward + pages[-1] == expected
    assert [len(page) for page in pages] == [2, 1]


def test_html_pages_visit_every_candidate_once(
    client, product, hinges, few_candidates, monkeypatch
):
    monkeypatch.setattr(communities, "FEED_PAGE_SIZE", 2)
    url = reverse("community:product", args=[product.slug])
    seen, params = [], {"q": "hinge"}
    while True:
        response = client.get(url, params)
        assert response.context["match_count"] == 9
        page = response.context["page"]
        seen += [post.pk for post in page]
        if not page.has_next:
            break
        params["cursor"] = page.next_cursor

    assert seen == ranked_ids(product, "hinge", among=candidate_ids(hinges))


def test_a_product_lines_search_is_bounded_too(product, hinges, few_candidates):
    sibling = ProductFactory(line=product.line)
    PostFactory(product=sibling, title="The hinge creaks", body="hinge")

    search = selectors.searched_feed(
        selectors.FeedFilters(q="hinge"), products=product.line.products.all()
    )

    assert search.match_count == 10
    assert len(list(search.posts)) == CANDIDATES


def test_a_forgiving_search_ranks_a_bounded_candidate_set(product, hinges, few_candidates):
    refresh_vocabulary()

    search = selectors.searched_feed(selectors.FeedFilters(q="hinge teleport"), product=product)

    assert search.forgiven.any_words and search.match_count == 9
    assert [post.pk for post in search.posts] == ranked_ids(
        product, search.forgiven.query, among=candidate_ids(hinges)
    )


@pytest.mark.parametrize("extra", [0, 6])
def test_a_relevance_search_runs_the_same_queries_beyond_the_candidates(
    client, product, hinges, few_candidates, django_assert_num_queries, extra
):
    for i in range(extra):
        PostFactory(product=product, title=f"Another hinge {i}")
    client.force_login(customer())
    url = reverse("community:product", args=[product.slug])

    # as tests/community/test_queries.py's search: session, user, roles, notifications, product,
    # facets, count, posts, tags, reputation, verified, votes, followers
    clear_cache()
    with django_assert_num_queries(13):
        client.get(url, {"q": "hinge"})
    # posts (the product a subquery), tag names, parts, reputation, verified owners (signed
    # out: no votes)
    with django_assert_num_queries(5):
        APIClient().get("/api/v1/posts/", {"product": product.slug, "q": "hinge"})
