"""Rate limits count the same thing on pages and in the API: a post, comment or flag counts once
its content is valid; content refused as invalid costs nothing. What the service refuses for
the post's state (a second flag, a locked post) still counts. A vote counts every request."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from community.models import Comment, Flag, Post, Vote
from tests.api.test_throttling import _SentToRedis
from tests.community.post_forms import post_form
from tests.factories.accounts import customer
from tests.factories.community import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(**scopes):
        settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
            "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
            | {f"community_{action}": rate for action, rate in scopes.items()}
        }

    return set_rates


@pytest.fixture
def member():
    return customer(date_joined=timezone.now() - timedelta(days=365))


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- Posts ---------------------------------------------------------------------------------------


def _api_post(client, product, **changes):
    payload = {"product": product.slug, "kind": "question", "title": "Which case?", "body": "?"}
    return client.post("/api/v1/posts/", payload | changes, format="json")


def _page_post(client, product, **changes):
    form = post_form(kind="question", title="Which case?", body="?")
    return client.post(reverse("community:post_new", args=[product.slug]), form | changes)


def test_api_posts_refused_as_invalid_do_not_count(product, member, rates):
    rates(post="2/hour")
    client = _api(member)

    invalid = [_api_post(client, product, title="").status_code for _ in range(3)]
    valid = [_api_post(client, product, title=f"Case {n}").status_code for n in range(3)]

    assert invalid == [400, 400, 400]
    assert valid == [201, 201, 429]
    assert Post.objects.count() == 2


def test_page_posts_refused_as_invalid_do_not_count(client, product, member, rates):
    rates(post="2/hour")
    client.force_login(member)

    invalid = [_page_post(client, product, title="").status_code for _ in range(3)]
    valid = [_page_post(client, product, title=f"Case {n}").status_code for n in range(3)]

    assert invalid == [400, 400, 400]
    assert valid == [302, 302, 429]
    assert Post.objects.count() == 2


def test_a_post_breaking_a_content_rule_counts_on_neither(client, product, part, member, rates):
    # given one post an hour, and a question listing parts: well-formed input that breaks a
    # rule of the service's (the API's title may be blank to the serializer; the service says no)
    rates(post="1/hour")
    other = customer(date_joined=member.date_joined)
    client.force_login(other)

    api_refused = [
        _api_post(_api(member), product, parts=[{"part": part.pk, "quantity": 1}]),
        _api_post(_api(member), product, title="   "),
    ]
    page_refused = _page_post(client, product, **{"parts-0-part": str(part.pk)})

    # then none was a post: the next valid one is published, on either side
    assert [response.status_code for response in api_refused] == [400, 400]
    assert page_refused.status_code == 400
    assert _api_post(_api(member), product).status_code == 201
    assert _page_post(client, product).status_code == 302


def test_pages_and_the_api_share_one_budget(client, product, member, rates):
    rates(post="2/hour")
    client.force_login(member)

    statuses = [
        _page_post(client, product, title="From the page").status_code,
        _api_post(_api(member), product, title="From the API").status_code,
        _page_post(client, product, title="Page again").status_code,
        _api_post(_api(member), product, title="API again").status_code,
    ]

    assert statuses == [302, 201, 429, 429]


def test_a_refused_api_post_says_when_to_try_again(product, member, rates):
    rates(post="1/hour")
    client = _api(member)
    _api_post(client, product)

    refused = _api_post(client, product, title="Another")

    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0


# --- Comments ------------------------------------------------------------------------------------


def test_api_comments_refused_as_invalid_do_not_count(product, member, rates):
    rates(comment="2/hour")
    post = PostFactory(product=product)
    client, url = _api(member), f"/api/v1/posts/{post.pk}/comments/"

    invalid = [client.post(url, {"body": ""}).status_code for _ in range(3)]
    valid = [client.post(url, {"body": f"Same {n}"}).status_code for n in range(3)]

    assert invalid == [400, 400, 400]
    assert valid == [201, 201, 429]
    assert Comment.objects.count() == 2


def test_page_comments_refused_as_invalid_do_not_count(client, product, member, rates):
    rates(comment="2/hour")
    post = PostFactory(product=product)
    client.force_login(member)
    url = reverse("community:post_comment", args=[product.slug, post.pk])

    invalid = [client.post(url, {"body": ""}).status_code for _ in range(3)]
    valid = [client.post(url, {"body": f"Same {n}"}).status_code for n in range(3)]

    assert invalid == [302, 302, 302]  # back to the form with the error
    assert valid == [302, 302, 429]
    assert Comment.objects.count() == 2


# --- Flags ---------------------------------------------------------------------------------------


def test_api_flags_refused_as_invalid_do_not_count(product, member, rates):
    rates(flag="1/hour")
    first, second = PostFactory(product=product), PostFactory(product=product)
    client = _api(member)

    invalid = [
        client.post(f"/api/v1/posts/{first.pk}/flag/", {"reason": "boring"}).status_code
        for _ in range(2)
    ]
    valid = [
        client.post(f"/api/v1/posts/{post.pk}/flag/", {"reason": "spam"}).status_code
        for post in (first, second)
    ]

    assert invalid == [400, 400]
    assert valid == [201, 429]
    assert Flag.objects.count() == 1


def test_page_flags_refused_as_invalid_do_not_count(client, product, member, rates):
    rates(flag="1/hour")
    first, second = PostFactory(product=product), PostFactory(product=product)
    client.force_login(member)

    def flag(post, reason):
        url = reverse("community:post_flag", args=[product.slug, post.pk])
        return client.post(url, {"reason": reason}).status_code

    invalid = [flag(first, "boring") for _ in range(2)]
    valid = [flag(first, "spam"), flag(second, "spam")]

    assert invalid == [302, 302]
    assert valid == [302, 429]
    assert Flag.objects.count() == 1


def test_a_second_flag_of_the_same_post_counts_on_both(client, product, member, rates):
    # given two flags an hour: a flag the service refuses for the post's state is an attempt
    rates(flag="2/hour")
    first, second = PostFactory(product=product), PostFactory(product=product)
    client.force_login(member)

    def page_flag(post):
        url = reverse("community:post_flag", args=[product.slug, post.pk])
        return client.post(url, {"reason": "spam"}).status_code

    api = _api(member)
    api_statuses = [
        api.post(f"/api/v1/posts/{first.pk}/flag/", {"reason": "spam"}).status_code,
        api.post(f"/api/v1/posts/{first.pk}/flag/", {"reason": "spam"}).status_code,
    ]

    assert api_statuses == [201, 400]
    assert page_flag(second) == 429
    assert Flag.objects.count() == 1


# --- Votes ---------------------------------------------------------------------------------------


def test_every_vote_request_counts_on_both(client, product, member, rates):
    rates(vote="2/hour")
    post = PostFactory(product=product)
    client.force_login(member)

    page = client.post(reverse("community:post_vote", args=[product.slug, post.pk]), {"voted": "1"})
    api = _api(member).delete(f"/api/v1/posts/{post.pk}/vote/")
    again = _api(member).post(f"/api/v1/posts/{post.pk}/vote/")

    assert (page.status_code, api.status_code, again.status_code) == (302, 200, 429)


def test_an_api_vote_counts_its_rates_in_one_round_trip(product, member, monkeypatch):
    """The caller's API rate and the vote's are counted together: one round trip to Redis for
    both (the reader page cache is off in tests: no mark that the caller has just written)."""
    post = PostFactory(product=product)
    api = _api(member)
    sent = _SentToRedis(monkeypatch)

    commands, _bytes = sent.during(lambda: api.post(f"/api/v1/posts/{post.pk}/vote/"))

    assert commands == 1


def test_an_api_vote_counts_against_the_callers_api_rate_too(product, member, rates, monkeypatch):
    rates(vote="100/hour")
    limits = {**SimpleRateThrottle.THROTTLE_RATES, "user": "2/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", limits)
    posts = PostFactory.create_batch(3, product=product)
    api = _api(member)

    answers = [api.post(f"/api/v1/posts/{post.pk}/vote/") for post in posts]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert 0 < int(answers[2]["Retry-After"]) <= 60
    assert Vote.objects.count() == 2


def test_past_both_rates_the_wait_is_the_longer_one(product, member, rates, monkeypatch):
    rates(vote="1/hour")
    limits = {**SimpleRateThrottle.THROTTLE_RATES, "user": "1/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", limits)
    first, second = PostFactory.create_batch(2, product=product)
    api = _api(member)

    api.post(f"/api/v1/posts/{first.pk}/vote/")
    refused = api.post(f"/api/v1/posts/{second.pk}/vote/")

    assert refused.status_code == 429 and 60 < int(refused["Retry-After"]) <= 3600
