"""A member credited for an idea a released generation shipped wears a badge on their profile:
one per generation, linking to its changelog."""

import pytest
from django.urls import reverse

from community.models import Post
from community.services import post_merge, vote_cast
from products.services import product_release
from tests.factories.accounts import agent, customer, staff
from tests.factories.community import PostFactory
from tests.factories.products import generation_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    older, newer = generation_chain(2)
    older.name, newer.name = "Nova 2", "Nova 3"
    older.save()
    newer.status = "in_development"
    newer.save()
    return older, newer


def profile(client, username: str) -> str:
    response = client.get(reverse("community:profile", args=[username]))
    assert response.status_code == 200
    return response.content.decode()


def badge_link(product) -> str:
    return f'href="{reverse("products:changelog", args=[product.slug])}"'


def test_authors_and_co_authors_of_shipped_ideas_wear_the_generation_badge(client, chain):
    older, newer = chain
    ada, bob, fan = customer(username="ada"), customer(username="bob"), customer(username="fan")
    one = PostFactory(product=older, author=ada, adopted_in=newer, status="adopted")
    PostFactory(product=older, author=ada, adopted_in=newer, status="adopted")
    post_merge(source=PostFactory(product=older, author=bob), target=one, moderator=agent())
    vote_cast(user=fan, post=one)
    product_release(product=newer, by=staff())

    ada_page, bob_page, fan_page = (profile(client, name) for name in ("ada", "bob", "fan"))

    assert "Co-created Nova 3" in ada_page and badge_link(newer) in ada_page
    assert "2 ideas" in ada_page
    assert "Co-created Nova 3" in bob_page and badge_link(newer) in bob_page
    assert "Co-created" not in fan_page


def test_no_badge_before_the_release_nor_for_an_idea_hidden_since(client, chain):
    older, newer = chain
    ada = customer(username="ada")
    idea = PostFactory(product=older, author=ada, adopted_in=newer, status="adopted")

    assert "Co-created" not in profile(client, "ada")

    product_release(product=newer, by=staff())
    assert "Co-created Nova 3" in profile(client, "ada")

    Post.objects.filter(pk=idea.pk).update(is_hidden=True)
    assert "Co-created" not in profile(client, "ada")


def test_the_badge_reads_in_chinese(client, chain):
    older, newer = chain
    PostFactory(product=older, author=customer(username="ada"), adopted_in=newer, status="adopted")
    product_release(product=newer, by=staff())
    client.force_login(customer(language="zh-hans"))

    assert "共创Nova 3" in profile(client, "ada")
