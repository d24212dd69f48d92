"""An account whose e-mail address is not confirmed reads everything but may not post, vote or
comment, on the pages or in the API; confirming the address unlocks them."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from rest_framework.test import APIClient

from cocreate.accounts.services import EmailNotVerified
from community import services
from community.models import Comment, Post, Vote
from tests.factories.accounts import UserFactory
from tests.factories.community import PostFactory

pytestmark = pytest.mark.django_db

REFUSAL = "Confirm your e-mail address to post, vote and comment: we sent a link to "


@pytest.fixture
def newcomer():
    return UserFactory(username="newcomer", email="newcomer@example.com", verified_email=False)


@pytest.fixture
def post(product):
    return PostFactory(product=product)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_unverified_account_reads_the_community_and_the_post(client, newcomer, post):
    client.force_login(newcomer)

    assert client.get(reverse("community:product", args=[post.product.slug])).status_code == 200
    assert client.get(post.get_absolute_url()).status_code == 200
    assert api_as(newcomer).get(f"/api/v1/posts/{post.pk}/").status_code == 200


def test_the_services_refuse_an_unverified_account(newcomer, post):
    with pytest.raises(EmailNotVerified, match=REFUSAL + "newcomer@example.com"):
        services.vote_cast(user=newcomer, post=post)
    with pytest.raises(EmailNotVerified):
        services.comment_create(post=post, author=newcomer, body="Me too")
    with pytest.raises(EmailNotVerified):
        services.post_create(
            author=newcomer, product=post.product, kind="question", title="Which?", body="?"
        )

    assert not Vote.objects.exists() and not Comment.objects.exists()
    assert Post.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/api/v1/posts/", {"kind": "question", "title": "Which case fits?", "body": "Any?"}),
        ("/api/v1/posts/{pk}/vote/", {}),
        ("/api/v1/posts/{pk}/comments/", {"body": "Me too"}),
    ],
)
def test_the_api_answers_403_saying_why(newcomer, post, path, data):
    if path == "/api/v1/posts/":
        data = {**data, "product": post.product.slug}

    response = api_as(newcomer).post(path.format(pk=post.pk), data, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": REFUSAL
        + "newcomer@example.com. No e-mail? Send it again from your e-mail settings.",
        "code": "email_not_verified",
    }
    assert Post.objects.count() == 1 and not Vote.objects.exists()
    assert not Comment.objects.exists()


def test_the_new_post_page_says_so_before_anything_is_written(client, newcomer, post):
    client.force_login(newcomer)

    response = client.get(reverse("community:post_new", args=[post.product.slug]))

    html = response.content.decode()
    assert response.status_code == 403
    assert "Confirm your e-mail address first." in html
    assert REFUSAL + "newcomer@example.com" in html
    assert f'action="{reverse("account_email")}"' in html and 'name="action_send"' in html


def test_a_comment_from_the_page_is_refused_with_the_way_to_confirm(client, newcomer, post):
    client.force_login(newcomer)

    response = client.post(
        reverse("community:post_comment", args=[post.product.slug, post.pk]), {"body": "Me too"}
    )

    assert response.status_code == 403
    assert REFUSAL in response.content.decode()
    assert not Comment.objects.exists()


def test_a_vote_from_the_page_shows_the_refusal_in_place(client, newcomer, post):
    client.force_login(newcomer)

    response = client.post(
        reverse("community:post_vote", args=[post.product.slug, post.pk]),
        {"voted": "1"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    assert not Vote.objects.exists()


def test_confirming_the_address_unlocks_posting_voting_and_commenting(newcomer, post):
    EmailAddress.objects.filter(user=newcomer).update(verified=True)

    client = api_as(newcomer)
    assert client.post(f"/api/v1/posts/{post.pk}/vote/").status_code == 200
    assert client.post(f"/api/v1/posts/{post.pk}/comments/", {"body": "Me too"}).status_code == 201
    assert Vote.objects.filter(user=newcomer).exists()
