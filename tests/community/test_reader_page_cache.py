"""Signed-in readers of a community's feed share one cached copy (cocreate/core/pagecache.py),
their own header, vote boxes, follow button and CSRF token filled in per response
(cocreate/core/reader_parts.py): each gets exactly the page they would get without the cache,
sees what they just did at once, and a hidden or deleted post leaves every copy at once."""

import re
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from cocreate.core import pagecache
from cocreate.notifications.models import Notification
from community import services
from community.models import Flag, Post
from tests.factories.accounts import agent, customer, designer, staff
from tests.redis_faults import refusing_redis_url

pytestmark = pytest.mark.django_db

PAGE_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def _reader_cache_on(settings):
    settings.READER_PAGE_CACHE_SECONDS = 5
    settings.SHARED_HTML_CACHE_SECONDS = 600


@pytest.fixture
def author():
    return customer(username="ada", display_name="Ada Lovelace")


@pytest.fixture
def posts(product, author):
    """Three posts of two days ago: their relative date holds for the whole test."""
    made = [
        services.post_create(
            author=author,
            product=product,
            kind=Post.Kind.SUGGESTION,
            title=f"Longer battery, idea {i}",
            body="Please.",
            tags=["battery"],
        )
        for i in range(3)
    ]
    Post.objects.filter(pk__in=[post.pk for post in made]).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    return made


@pytest.fixture
def feed(product):
    return reverse("community:product", args=[product.slug])


def reader(user, language="") -> Client:
    if language:
        user.language = language
        user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def page_of(response) -> str:
    assert response.status_code == 200
    return PAGE_TOKEN.sub(r"\1TOKEN", response.content.decode())


def uncached(settings, client, url) -> str:
    settings.READER_PAGE_CACHE_SECONDS = 0
    try:
        return page_of(client.get(url))
    finally:
        settings.READER_PAGE_CACHE_SECONDS = 5


def vote(client, post):
    url = reverse("community:post_vote", args=[post.product.slug, post.pk])
    assert client.post(url, {"voted": "1"}).status_code == 302


def test_each_reader_gets_from_the_shared_copy_the_page_they_would_get_without_it(
    settings, product, posts, feed, author
):
    fan = customer(display_name="Fan One")
    services.vote_cast(user=fan, post=posts[1])
    services.product_follow_add(user=fan, product=product)
    Notification.objects.create(recipient=fan, kind="mention", title="You were mentioned")
    readers = [
        reader(customer(display_name="Someone Else")),
        reader(fan),
        reader(author),
        reader(customer(display_name="Zhang"), language="zh-hans"),
        reader(agent(display_name="Agent Smith")),
        reader(designer(display_name="Dee Signer")),
        reader(staff(display_name="Stef Staff")),
    ]
    alone = [uncached(settings, client, feed) for client in readers]
    first = readers[0].get(feed)
    assert "X-Page-Cache" not in first and page_of(first) == alone[0]

    for client, expected in zip(readers + readers, alone + alone, strict=True):
        assert page_of(client.get(feed)) == expected

    fan_page = readers[1].get(feed)
    assert fan_page["X-Page-Cache"] == "hit"
    html = fan_page.content.decode()
    assert (
        "Fan One" in html and "Someone Else" not in html and 'data-testid="unread-count">1<' in html
    )
    assert 'aria-pressed="true" data-testid="community-follow"' in html
    assert html.count('aria-pressed="true"') == 2  # the follow button and the one vote
    author_page = readers[2].get(feed).content.decode()
    assert author_page.count("vote vote-own") == 3 and "Ada Lovelace" in author_page


def test_each_reader_gets_their_own_csrf_token(posts, feed):
    first, second = reader(customer()), reader(customer())
    first.get(feed)
    response = second.get(feed)

    assert response["X-Page-Cache"] == "hit"
    secret = second.cookies[django_settings.CSRF_COOKIE_NAME].value
    tokens = set(TOKEN.findall(response.content.decode()))
    assert tokens and pagecache.CSRF_PLACEHOLDER not in response.content.decode()
    assert first.cookies[django_settings.CSRF_COOKIE_NAME].value != secret
    response_of_second = second.post(
        reverse("community:product_follow", args=[posts[0].product.slug]),
        {"follow": "1", "csrfmiddlewaretoken": tokens.pop()},
    )
    assert response_of_second.status_code == 302


def test_a_reader_of_the_shared_copy_costs_four_queries(posts, feed, django_assert_num_queries):
    reader(customer()).get(feed)
    client = reader(customer())
    client.get(feed)  # their session and roles cached

    # The user, their unread notifications, whether they follow, which shown posts they voted.
    with django_assert_num_queries(4):
        assert client.get(feed)["X-Page-Cache"] == "hit"


def test_whoever_votes_sees_their_vote_at_once(posts, feed):
    others, fan = reader(customer()), reader(customer())
    others.get(feed)
    assert fan.get(feed)["X-Page-Cache"] == "hit"

    vote(fan, posts[0])
    response = fan.get(feed)

    assert "X-Page-Cache" not in response
    box = re.search(
        rf'data-testid="vote-{posts[0].pk}">.*?</form>', response.content.decode(), re.S
    )
    assert 'aria-pressed="true"' in box.group(0)
    assert '<span class="vote-count" data-testid="vote-count">1<' in box.group(0)


def test_whoever_posts_sees_their_post_at_once(product, posts, feed):
    writer = reader(customer())
    reader(customer()).get(feed)
    response = writer.post(
        reverse("community:post_new", args=[product.slug]),
        {
            "kind": Post.Kind.QUESTION,
            "title": "Does it charge wirelessly?",
            "body": "Asking before I buy.",
            "tags": "",
            "language": "en",
            "parts-TOTAL_FORMS": "0",
            "parts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302

    assert "Does it charge wirelessly?" in writer.get(feed).content.decode()


def test_a_hidden_or_deleted_post_leaves_every_copy_at_once(
    settings, posts, feed, author, django_capture_on_commit_callbacks
):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 5
    signed_in, anonymous = reader(customer()), Client()
    for client in (signed_in, anonymous):
        client.get(feed)
        assert client.get(feed)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(post=posts[0], moderator=agent())
        services.post_delete(post=posts[1], actor=author)

    for client in (signed_in, anonymous):
        html = client.get(feed).content.decode()
        assert posts[0].title not in html and posts[1].title not in html
        assert posts[2].title in html


def test_a_reader_with_a_message_waiting_gets_it_on_a_fresh_page(posts, feed):
    reader(customer()).get(feed)
    client = reader(customer())
    storage = CookieStorage(RequestFactory().get("/"))
    cookie = storage._encode([Message(constants.SUCCESS, "Your e-mail address is confirmed.")])
    client.cookies["messages"] = cookie

    response = client.get(feed)

    assert "X-Page-Cache" not in response
    assert "Your e-mail address is confirmed." in response.content.decode()


def test_an_htmx_request_and_a_bad_filter_are_not_shared(posts, feed):
    client = reader(customer())
    client.get(feed)
    partial = client.get(feed, headers={"HX-Request": "true"})
    bad = client.get(feed, {"kind": "nonsense"})
    bad_again = client.get(feed, {"kind": "nonsense"})

    assert "X-Page-Cache" not in partial and "<html" not in partial.content.decode()
    assert bad.status_code == bad_again.status_code == 400
    assert "X-Page-Cache" not in bad_again
    assert "<!--reader-part:" not in bad_again.content.decode()


def test_with_the_cache_down_the_page_is_rendered(settings, posts, feed):
    client = reader(customer())
    expected = uncached(settings, client, feed)
    with refusing_redis_url(settings.CACHES["default"]["LOCATION"]) as url:
        settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": url}}
        response = client.get(feed)

    assert "X-Page-Cache" not in response
    assert page_of(response) == expected


def test_the_shared_copy_holds_no_reader_state(posts, feed):
    client = reader(user := customer(display_name="Private Person"))
    client.get(feed)
    secret = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    client_of_redis = redis.Redis.from_url(django_settings.CACHES["default"]["LOCATION"])
    try:
        keys = [key.decode().split(":", 2)[2] for key in client_of_redis.scan_iter("*readerpage:*")]
    finally:
        client_of_redis.close()

    [copy] = cache.get_many(keys).values()
    held = repr(copy)
    assert "Private Person" not in held and user.username not in held
    assert not TOKEN.search(held) and secret not in held


@pytest.fixture
def discussed(posts, author):
    """A post with a comment by its author and one by another customer."""
    post = posts[0]
    services.comment_create(post=post, author=author, body="Thanks for reading.")
    services.comment_create(post=post, author=customer(username="cy"), body="Me too.")
    return post


def test_each_reader_of_a_post_gets_the_page_they_would_get_without_the_cache(
    settings, discussed, author
):
    fan = customer(display_name="Fan One")
    services.vote_cast(user=fan, post=discussed)
    services.follow_add(user=fan, post=discussed)
    services.flag_create(post=discussed, reporter=fan, reason=Flag.Reason.SPAM)
    commenter = discussed.comments.get(author__username="cy").author
    readers = [
        reader(customer()),
        reader(fan),
        reader(author),
        reader(commenter),
        reader(customer(), language="zh-hans"),
        reader(agent()),
    ]
    url = discussed.get_absolute_url()
    alone = [uncached(settings, client, url) for client in readers]
    readers[0].get(url)

    for client, expected in zip(readers + readers, alone + alone, strict=True):
        assert page_of(client.get(url)) == expected

    assert readers[1].get(url)["X-Page-Cache"] == "hit"
    html = readers[1].get(url).content.decode()
    assert "You flagged this post." in html and ">Unfollow<" in html
    for own in (readers[2], readers[3]):  # their own post or comment: edit links of their own
        assert "X-Page-Cache" not in own.get(url)
    assert "Your post" in readers[2].get(url).content.decode()
    assert "moderation-panel" in readers[5].get(url).content.decode()
    assert "moderation-panel" not in html


def test_a_reader_of_a_shared_post_page_costs_six_queries(discussed, django_assert_num_queries):
    url = discussed.get_absolute_url()
    reader(customer()).get(url)
    client = reader(customer())
    client.get(url)

    # The user, their unread notifications, their vote, follow and flag, and who they are not.
    with django_assert_num_queries(5):
        assert client.get(url)["X-Page-Cache"] == "hit"


def test_signed_in_callers_of_the_api_feed_share_a_copy_with_their_own_votes(
    settings, product, posts, django_assert_num_queries
):
    fan = customer()
    services.vote_cast(user=fan, post=posts[1])
    url = f"/api/v1/posts/?product={product.slug}"
    others, fan_client = reader(customer()), reader(fan)
    settings.READER_PAGE_CACHE_SECONDS = 0
    alone = [client.get(url).json() for client in (others, fan_client)]
    settings.READER_PAGE_CACHE_SECONDS = 5
    others.get(url)
    fan_client.get(url)

    with django_assert_num_queries(2):  # the user, which shown posts they voted for
        response = fan_client.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert response.json() == alone[1] and others.get(url).json() == alone[0]
    assert [row["voted"] for row in response.json()["results"]].count(True) == 1


def test_an_api_caller_who_votes_sees_their_vote_at_once(product, posts):
    url = f"/api/v1/posts/?product={product.slug}"
    reader(customer()).get(url)
    fan = reader(customer())
    assert fan.get(url)["X-Page-Cache"] == "hit"

    vote(fan, posts[0])
    response = fan.get(url)

    assert "X-Page-Cache" not in response
    row = next(row for row in response.json()["results"] if row["id"] == posts[0].pk)
    assert row["voted"] and row["vote_count"] == 1
