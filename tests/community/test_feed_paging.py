"""Feeds page by cursor (keyset): every post once, in order, at any depth; bad input is a 400."""

import base64
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cocreate.core import keyset
from community import selectors
from community.models import Post
from tests.factories.community import PostFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(product):
    """Nine posts with ties on every sort key but the id: a cursor must still split them."""
    tag = TagFactory(name="battery", slug="battery")
    same_time = timezone.now() - timedelta(days=3)
    posts = [
        PostFactory(product=product, title=f"Battery idea {i}", tags=[tag] if i % 2 else [])
        for i in range(9)
    ]
    for i, post in enumerate(posts):
        Post.objects.filter(pk=post.pk).update(
            created_at=same_time if i < 5 else same_time + timedelta(hours=i),
            vote_count=i % 3,
            trending_score=float(i % 2) / 3,
            last_activity_at=same_time,
        )
    return posts


def expected_order(product, **filters):
    return list(
        selectors.post_feed(selectors.FeedFilters(**filters), product=product).values_list(
            "pk", flat=True
        )
    )


def walk_api(client, params):
    """Follow `next` links to the end, then `previous` links back; both lists of ids."""
    forward, pages = [], []
    url, query = "/api/v1/posts/", params
    while url:
        data = client.get(url, query).json()
        assert data["count"] is None
        pages.append([row["id"] for row in data["results"]])
        forward += pages[-1]
        url, query = data["next"], None
    backward = []
    url = data["previous"]
    while url:
        data = client.get(url).json()
        backward = [row["id"] for row in data["results"]] + backward
        url = data["previous"]
    return forward, backward + pages[-1], pages


@pytest.mark.parametrize(
    "filters",
    [
        {"sort": "new"},
        {"sort": "top"},
        {"sort": "trending"},
        {"sort": "top", "tag": "battery"},
        {"q": "battery"},
        {"q": "battery", "sort": "top"},
    ],
)
def test_api_pages_visit_every_post_once_in_order_both_ways(product, feed, filters):
    expected = expected_order(product, **filters)

    forward, backward, pages = walk_api(
        APIClient(), {"product": product.slug, "page_size": 2} | filters
    )

    assert forward == backward == expected
    assert len(expected) >= 4 and all(len(page) == 2 for page in pages[:-1])


def test_a_search_cursor_carries_the_rank_exactly(product):
    # Ranks that differ only in far decimals: a rounded rank would skip or repeat posts.
    for i in range(6):
        PostFactory(product=product, title="hinge " * (i % 3 + 1), body="hinge squeaks " * i)
    expected = expected_order(product, q="hinge")

    forward, _backward, _pages = walk_api(
        APIClient(), {"product": product.slug, "q": "hinge", "page_size": 1}
    )

    assert forward == expected and len(expected) == 6


def test_a_mixed_direction_sort_pages_correctly(client, product, feed):
    selectors.register_feed_sort("quiet", "Quiet", ("vote_count", "-created_at", "-id"))
    try:
        expected = expected_order(product, sort="quiet")
        forward, backward, _pages = walk_api(
            APIClient(), {"product": product.slug, "sort": "quiet", "page_size": 4}
        )
    finally:
        del selectors.FEED_SORTS["quiet"]

    assert forward == backward == expected


def test_the_html_feed_links_older_and_newer_pages(client, product, feed, monkeypatch):
    from community.views import communities

    monkeypatch.setattr(communities, "FEED_PAGE_SIZE", 4)
    url = reverse("community:product", args=[product.slug])

    first = client.get(url)
    second = client.get(url, {"cursor": first.context["page"].next_cursor})
    back = client.get(url, {"cursor": second.context["page"].previous_cursor})

    expected = expected_order(product)
    assert [p.pk for p in first.context["page"]] == expected[:4]
    assert [p.pk for p in second.context["page"]] == expected[4:8]
    assert [p.pk for p in back.context["page"]] == expected[:4]
    html = second.content.decode()
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert 'rel="prev"' not in first.content.decode()


# --- Bad input -----------------------------------------------------------------------------------


def cursor_of(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def real_cursor(product, sort="new"):
    data = APIClient().get(
        "/api/v1/posts/", {"product": product.slug, "page_size": 1, "sort": sort}
    )
    return data.json()["next"].split("cursor=")[1].split("&")[0]


BAD_CURSORS = {
    "not base64": "%%%",
    "not json": base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    "not an object": cursor_of([1, 2]),
    "too long": "A" * 1000,  # over the cursor's limit, under the address's (MAX_URL_LENGTH)
    "wrong width": None,  # built from a real cursor below
    "bigint overflow": None,
    "naive datetime": None,
    "not a date": None,
    "boolean id": None,
    "nan score": None,
}


def forged(product, name):
    """A cursor of the "new" sort with one value changed."""
    token = real_cursor(product)
    payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    created, pk = payload["v"]
    payload["v"] = {
        "wrong width": [created],
        "bigint overflow": [created, 10**30],
        "naive datetime": ["2026-01-01T00:00:00", pk],
        "not a date": ["yesterday", pk],
        "boolean id": [created, True],
        "nan score": [created, float("nan")],
    }[name]
    return cursor_of(payload)


@pytest.mark.parametrize("name", list(BAD_CURSORS))
def test_a_malformed_or_forged_cursor_is_400_in_the_api_and_on_the_page(
    client, product, feed, name
):
    cursor = BAD_CURSORS[name] or forged(product, name)

    api = APIClient().get("/api/v1/posts/", {"product": product.slug, "cursor": cursor})
    page = client.get(reverse("community:product", args=[product.slug]), {"cursor": cursor})

    assert api.status_code == 400
    assert api.json()["code"] == "invalid" and "cursor" in api.json()["errors"]
    assert page.status_code == 400
    assert page.context["page"].object_list == []


def test_a_cursor_of_another_sort_is_400(client, product, feed):
    top_cursor = real_cursor(product, sort="top")

    api = APIClient().get("/api/v1/posts/", {"product": product.slug, "cursor": top_cursor})
    page = client.get(reverse("community:product", args=[product.slug]), {"cursor": top_cursor})

    assert api.status_code == 400 and page.status_code == 400


def test_a_cursor_past_the_end_is_an_empty_page(client, product, feed):
    far = timezone.now() - timedelta(days=3650)
    cursor = keyset.encode_cursor([("created_at", True), ("id", True)], [far, 1], backwards=False)

    api = APIClient().get("/api/v1/posts/", {"product": product.slug, "cursor": cursor}).json()
    page = client.get(reverse("community:product", args=[product.slug]), {"cursor": cursor})

    assert api["results"] == [] and api["next"] is None and api["previous"]
    assert page.status_code == 200 and page.context["page"].object_list == []


@pytest.mark.parametrize("size", ["0", "101", "-1", "abc", "1e3", "9" * 40])
def test_page_sizes_outside_1_to_100_are_400(product, feed, size):
    response = APIClient().get("/api/v1/posts/", {"product": product.slug, "page_size": size})

    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def test_unknown_sorts_kinds_and_statuses_are_400_on_the_page(client, product, feed):
    url = reverse("community:product", args=[product.slug])

    for params in ({"sort": "random"}, {"kind": "rant"}, {"status": "lost"}, {"tag": "x" * 41}):
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert response.context["page"].object_list == []


def test_absurdly_long_searches_are_400(client, product, feed):
    # Over the search's limit; an address over MAX_URL_LENGTH is a 414 (tests/api/test_long_urls.py).
    query = "battery " * 100

    api = APIClient().get("/api/v1/posts/", {"product": product.slug, "q": query})
    page = client.get(reverse("community:product", args=[product.slug]), {"q": query})

    assert api.status_code == 400 and "q" in api.json()["errors"]
    assert page.status_code == 400


def test_a_long_tag_matches_nothing_in_the_api(product, feed):
    response = APIClient().get("/api/v1/posts/", {"product": product.slug, "tag": "x" * 500})

    assert response.status_code == 200 and response.json()["results"] == []


def test_search_results_are_counted_up_to_a_cap(client, product, feed, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    url = reverse("community:product", args=[product.slug])

    response = client.get(url, {"q": "battery"})

    assert response.context["match_count"] == 4  # counting stopped at cap + 1
    assert "More than 3 posts match" in response.content.decode()
