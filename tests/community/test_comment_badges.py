"""A post page marks each comment as its author stands: official for the manufacturer's people
(staff, agents, designers), verified owner for a customer who registered the product."""

import re

import pytest

from community import services
from tests.factories.accounts import agent, customer, designer, staff
from tests.factories.community import PostFactory
from tests.factories.products import ProductFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

OFFICIAL = '<span class="badge badge-accent">Official</span>'
VERIFIED = "Verified owner</span>"


def _comment_html(html: str, comment) -> str:
    match = re.search(rf'<article [^>]*id="comment-{comment.pk}">(.*?)</article>', html, re.S)
    assert match, f"comment {comment.pk} is not on the page"
    return match.group(1)


@pytest.mark.parametrize(
    "make_author", [staff, agent, designer], ids=["staff", "agent", "designer"]
)
def test_a_team_members_comment_is_marked_official(client, product, make_author):
    # given a post with a comment by a team member and one by a customer
    post = PostFactory(product=product)
    official = services.comment_create(post=post, author=make_author(), body="We hear you")
    ordinary = services.comment_create(post=post, author=customer(), body="Me too")

    # when anyone reads the post
    html = client.get(post.get_absolute_url()).content.decode()

    # then only the team member's comment carries the badge
    assert OFFICIAL in _comment_html(html, official)
    assert 'class="card comment comment-official"' in html
    assert OFFICIAL not in _comment_html(html, ordinary)


def test_a_registered_owners_comment_carries_the_verified_owner_badge(client, product):
    # given comments by an owner of the product, an owner of another product and a customer
    post = PostFactory(product=product)
    owner, other_owner = customer(), customer()
    RegistrationFactory(customer=owner, product=product)
    RegistrationFactory(customer=other_owner, product=ProductFactory())
    by_owner = services.comment_create(post=post, author=owner, body="Mine does it too")
    by_other_owner = services.comment_create(post=post, author=other_owner, body="Not mine")
    by_customer = services.comment_create(post=post, author=customer(), body="No idea")

    # when the post page is read
    html = client.get(post.get_absolute_url()).content.decode()

    # then only the owner of this product is marked
    assert VERIFIED in _comment_html(html, by_owner)
    assert VERIFIED not in _comment_html(html, by_other_owner)
    assert VERIFIED not in _comment_html(html, by_customer)
