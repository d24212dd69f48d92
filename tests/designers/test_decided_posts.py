"""A post the designers decided on stays: its author can no longer delete it (page and API)."""

import pytest
from rest_framework.test import APIClient

from community.models import Post
from designers.models import ReviewItem
from designers.services import post_status_change
from tests.factories.accounts import customer, designer
from tests.factories.community import PostFactory
from tests.factories.designers import ReviewItemFactory
from tests.factories.products import generation_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted():
    """A suggestion adopted into the next generation, with its review item decided."""
    current, successor = generation_chain(2)
    post = PostFactory(product=current, author=customer())
    ReviewItemFactory(post=post)
    post_status_change(
        post=post,
        status=Post.Status.ADOPTED,
        message="In the next generation.",
        author=designer(),
        adopted_in=successor,
    )
    post.refresh_from_db()
    return post


def test_the_author_cannot_delete_an_adopted_idea_through_the_api(adopted):
    client = APIClient()
    client.force_authenticate(adopted.author)

    response = client.delete(f"/api/v1/posts/{adopted.pk}/")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "can no longer be deleted" in response.json()["detail"]
    adopted.refresh_from_db()
    assert not adopted.is_deleted
    # The idea is still where the product page and the review queue list it.
    assert list(adopted.adopted_in.adopted_posts.all()) == [adopted]
    assert ReviewItem.objects.get(post=adopted).state == ReviewItem.State.DECIDED


def test_the_post_page_offers_no_delete_and_refuses_one_posted(client, adopted):
    client.force_login(adopted.author)
    delete_url = f"{adopted.get_absolute_url()}delete/"

    page = client.get(adopted.get_absolute_url()).content.decode()
    response = client.post(delete_url, follow=True)

    assert delete_url not in page
    assert "can no longer be deleted" in page
    assert "can no longer be deleted" in response.content.decode()
    adopted.refresh_from_db()
    assert not adopted.is_deleted


@pytest.mark.parametrize("status", ["planned", "declined", "duplicate"])
def test_every_decided_status_keeps_the_post(status):
    target = PostFactory()
    post = PostFactory(
        product=target.product,
        status=status,
        duplicate_of=target if status == "duplicate" else None,
    )
    client = APIClient()
    client.force_authenticate(post.author)

    assert client.delete(f"/api/v1/posts/{post.pk}/").status_code == 409
    post.refresh_from_db()
    assert not post.is_deleted


@pytest.mark.parametrize("status", ["open", "under_review"])
def test_an_undecided_post_is_still_the_authors_to_delete(status):
    post = PostFactory(status=status)
    client = APIClient()
    client.force_authenticate(post.author)

    assert client.delete(f"/api/v1/posts/{post.pk}/").status_code == 204
    post.refresh_from_db()
    assert post.is_deleted
