"""A reader of another language than English sees the feed's posts in her language first, then
the rest, in every sort, paged by cursor without losing or repeating a post; an English reader's
feed is as it was (docs/i18n.md, "The feed in the reader's language")."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from community import selectors
from community.models import Post
from community.views import communities
from tests.conftest import clear_cache
from tests.factories.accounts import customer
from tests.factories.community import PostFactory, TagFactory

pytestmark = pytest.mark.django_db

CHINESE = "zh-hans"


@pytest.fixture(autouse=True)
def _language_restored():
    """A Chinese reader's request leaves Chinese active in this thread (LocaleMiddleware does
    not undo it): the tests after these must not run in it."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def feed(product):
    """Nine posts, every third in Chinese, with ties on every sort key but the id."""
    tag = TagFactory(name="battery", slug="battery")
    same_time = timezone.now() - timedelta(days=3)
    posts = [
        PostFactory(
            product=product,
            title=f"Battery idea {i}",
            tags=[tag] if i % 2 else [],
            language=CHINESE if i % 3 == 0 else "en",
        )
        for i in range(9)
    ]
    for i, post in enumerate(posts):
        Post.objects.filter(pk=post.pk).update(
            created_at=same_time if i < 5 else same_time + timedelta(hours=i),
            vote_count=i % 4,
            trending_score=float(i % 2) / 3,
            last_activity_at=same_time,
        )
    return posts


def sorted_ids(product, **filters) -> list[int]:
    """The feed as an English reader gets it."""
    feed = selectors.post_feed(selectors.FeedFilters(**filters), product=product)
    return list(feed.values_list("pk", flat=True))


def chinese_first(product, **filters) -> list[int]:
    languages = dict(Post.objects.values_list("pk", "language"))
    ids = sorted_ids(product, **filters)
    return [pk for pk in ids if languages[pk] == CHINESE] + [
        pk for pk in ids if languages[pk] != CHINESE
    ]


def reader(language: str | None) -> Client:
    client = Client()
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def walk(client, url, params) -> tuple[list[int], list[int]]:
    """Follow the next cursors to the end, then the previous ones back: both lists of ids."""
    forward, pages, query = [], [], dict(params)
    while True:
        page = client.get(url, query).context["page"]
        pages.append([post.pk for post in page.object_list])
        forward += pages[-1]
        if not page.has_next:
            break
        query = params | {"cursor": page.next_cursor}
    backward = pages[-1]
    while page.has_previous:
        page = client.get(url, params | {"cursor": page.previous_cursor}).context["page"]
        backward = [post.pk for post in page.object_list] + backward
    return forward, backward


SORTS = [
    {},
    {"sort": "new"},
    {"sort": "top"},
    {"sort": "trending"},
    {"sort": "top", "tag": "battery"},
    {"q": "battery"},
    {"q": "battery", "sort": "top"},
]


@pytest.mark.parametrize("filters", SORTS)
@pytest.mark.parametrize("page_size", [2, 3, 4])
def test_a_chinese_reader_pages_through_her_posts_first_then_the_rest(
    product, feed, monkeypatch, filters, page_size
):
    monkeypatch.setattr(communities, "FEED_PAGE_SIZE", page_size)
    url = reverse("community:product", args=[product.slug])
    expected = chinese_first(product, **filters)

    forward, backward = walk(reader(CHINESE), url, filters)

    assert forward == backward == expected
    assert len(forward) == len(set(forward)) == len(expected) >= 4
    assert expected != sorted_ids(product, **filters) or "tag" in filters


@pytest.mark.parametrize("filters", SORTS)
def test_an_english_readers_feed_does_not_change(product, feed, monkeypatch, filters):
    monkeypatch.setattr(communities, "FEED_PAGE_SIZE", 2)
    url = reverse("community:product", args=[product.slug])

    forward, backward = walk(reader("en"), url, filters)

    assert forward == backward == sorted_ids(product, **filters)


def test_a_chosen_language_is_the_only_one_shown(client, product, feed):
    url = reverse("community:product", args=[product.slug])

    for language in ("en", CHINESE):
        page = reader(CHINESE).get(url, {"language": language}).context["page"]

        assert [post.pk for post in page] == sorted_ids(product, language=language)


def test_a_signed_in_readers_saved_language_counts(client, product, feed):
    client.force_login(customer(language=CHINESE))

    page = client.get(reverse("community:product", args=[product.slug])).context["page"]

    assert [post.pk for post in page] == chinese_first(product)[: len(page.object_list)]
    assert page.object_list[0].language == CHINESE


def test_the_line_page_puts_her_language_first_too(product, feed):
    url = reverse("community:line", args=[product.line.slug])

    page = reader(CHINESE).get(url).context["page"]

    assert [post.pk for post in page] == chinese_first(product)


def test_the_anonymous_page_cache_keeps_each_readers_order(settings, product, feed):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 5
    url = reverse("community:product", args=[product.slug])
    english, chinese = reader(None).get(url), reader(CHINESE).get(url)

    english_again, chinese_again = reader(None).get(url), reader(CHINESE).get(url)

    assert english_again["X-Page-Cache"] == chinese_again["X-Page-Cache"] == "hit"
    first_english = Post.objects.get(pk=sorted_ids(product)[0]).title
    first_chinese = Post.objects.get(pk=chinese_first(product)[0]).title
    assert first_english != first_chinese
    for response, first in [
        (english, first_english),
        (english_again, first_english),
        (chinese, first_chinese),
        (chinese_again, first_chinese),
    ]:
        html = response.content.decode()
        start = html.index("post-list")
        assert html.index("Battery idea", start) == html.index(first, start)


def test_a_page_within_one_language_runs_the_english_readers_queries(
    client, product, feed, monkeypatch
):
    """A page inside one part is one query (and its tags), as for an English reader; the page
    across the boundary reads on in the next part: two queries more (its posts and their tags)."""
    monkeypatch.setattr(communities, "FEED_PAGE_SIZE", 2)
    url = reverse("community:product", args=[product.slug])
    client.force_login(customer(language="en"))
    clear_cache()
    with CaptureQueriesContext(connection) as english:
        client.get(url, {"sort": "new"})
    client.force_login(customer(language=CHINESE))
    counts, query = [], {"sort": "new"}

    # three Chinese posts: the first page is Chinese, the second crosses into the others
    for _page in range(3):
        clear_cache()  # the kind counts are cached for a few seconds: count them every time
        with CaptureQueriesContext(connection) as chinese:
            page = client.get(url, query).context["page"]
        counts.append(len(chinese))
        query = {"sort": "new", "cursor": page.next_cursor}

    assert counts == [len(english), len(english) + 2, len(english)]
