"""A released generation's changelog: the community ideas it shipped, each with the people
credited for it, on its own page and near the top of the product page."""

import re

import pytest
from django.urls import reverse

from community.models import Post, StatusChange
from community.services import post_merge
from products.services import product_release
from tests.factories.accounts import UserFactory, agent, customer, designer, staff
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


def shipped(older, newer, **fields) -> Post:
    return PostFactory(product=older, adopted_in=newer, status="adopted", **fields)


def answer(post, message: str, *, by=None) -> StatusChange:
    return StatusChange.objects.create(
        post=post,
        old_status="planned",
        new_status="adopted",
        message=message,
        message_html=f"<p>{message}</p>",
        author=by or designer(display_name="Dana"),
        adopted_in=post.adopted_in,
    )


def changelog_url(product) -> str:
    return reverse("products:changelog", args=[product.slug])


def test_the_changelog_credits_each_shipped_idea_author_and_co_authors(client, chain):
    older, newer = chain
    ada = customer(username="ada", display_name="Ada L.")
    idea = shipped(older, newer, author=ada, title="Magnetic back plate", vote_count=42)
    duplicate = PostFactory(product=older, author=customer(username="bob", display_name="Bob K."))
    post_merge(source=duplicate, target=idea, moderator=agent())
    answer(idea, "Built by the prototype team, it ships with the first batch.")
    shipped(older, newer, title="Hidden idea", is_hidden=True)
    product_release(product=newer, by=staff())

    response = client.get(changelog_url(newer))

    html = response.content.decode()
    assert response.status_code == 200
    assert "What’s new in Nova 3" in html
    assert "Magnetic back plate" in html and "42 supporters" in html
    assert 'href="/community/people/ada/"' in html and "Ada L." in html
    assert 'href="/community/people/bob/"' in html and "Bob K." in html
    assert "co-author" in html
    assert "Built by the prototype team" in html and "Dana" in html
    assert "Hidden idea" not in html


def test_a_generation_not_released_yet_shows_what_is_coming(client, chain):
    older, newer = chain
    shipped(older, newer, title="Magnetic back plate", author=customer(display_name="Ada L."))

    html = client.get(changelog_url(newer)).content.decode()

    assert "Coming in Nova 3" in html
    assert "Magnetic back plate" in html and "Ada L." in html
    assert "What’s new in Nova 3" not in html


def test_an_unknown_product_has_no_changelog(client):
    assert client.get(reverse("products:changelog", args=["no-such-product"])).status_code == 404


def test_the_changelog_pages_and_a_bad_page_number_is_no_error(client, chain):
    older, newer = chain
    for number in range(35):
        shipped(older, newer, title=f"Idea number {number:02d}", vote_count=number)
    product_release(product=newer, by=staff())

    first = client.get(changelog_url(newer)).content.decode()
    last = client.get(changelog_url(newer), {"page": "99"})
    junk = client.get(changelog_url(newer), {"page": "x"})

    assert "Idea number 34" in first and "Idea number 00" not in first
    assert last.status_code == junk.status_code == 200
    assert "Idea number 00" in last.content.decode()


def test_the_product_page_shows_the_changelog_near_the_top(client, chain):
    older, newer = chain
    for number in range(8):
        shipped(older, newer, title=f"Shipped idea {number}", vote_count=number)
    product_release(product=newer, by=staff())

    html = client.get(newer.get_absolute_url()).content.decode()

    # Right after the product's introduction: before its generations, specifications and parts.
    shipped_at = html.index('data-testid="cocreated"')
    assert shipped_at < html.index('id="generations-title"') < html.index('id="specs-title"')
    assert html.count('class="card cocreated-idea"') == 6
    assert f'href="{changelog_url(newer)}"' in html
    assert "shipped in Nova 3" in html


def test_the_changelog_reads_in_chinese_and_the_ideas_in_their_own_language(client, chain):
    older, newer = chain
    shipped(older, newer, title="磁吸背板", language="zh-hans")
    shipped(older, newer, title="Louder speaker", language="en")
    product_release(product=newer, by=staff())
    client.force_login(UserFactory(language="zh-hans"))

    html = client.get(changelog_url(newer)).content.decode()

    assert "Nova 3的新功能" in html
    assert re.search(r'lang="zh-hans"[^>]*>磁吸背板<', html)
    assert re.search(r'lang="en"[^>]*>Louder speaker<', html)


def test_the_changelog_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    def grow(ideas: int):
        older, newer = generation_chain(2)
        for number in range(ideas):
            idea = shipped(older, newer, vote_count=number)
            duplicate = PostFactory(product=older)
            post_merge(source=duplicate, target=idea, moderator=agent())
            answer(idea, f"Answer {number}")
        product_release(product=newer, by=staff())
        return newer

    # product, count, page of ideas with authors, their credits, their latest answers
    small = grow(3)
    with django_assert_num_queries(5):
        assert client.get(changelog_url(small)).status_code == 200
    large = grow(30)
    with django_assert_num_queries(5):
        response = client.get(changelog_url(large))
    assert response.content.decode().count('class="card cocreated-idea"') == 30
