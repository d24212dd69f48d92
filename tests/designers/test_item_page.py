"""The page a designer decides on (/design/items/<pk>/): the post with its images, build and
discussion, its votes, the linked tickets, similar posts and the decisions so far, in a number of
queries that does not grow with the post."""

import re

import pytest
from django.urls import reverse

from community.models import Post, PostImage, Vote
from designers.services import post_status_change
from tests.factories.accounts import UserFactory, agent, designer
from tests.factories.community import CommentFactory, PostFactory, PostPartFactory
from tests.factories.designers import ReviewItemFactory
from tests.factories.products import PartFactory, generation_chain
from tests.factories.service_desk import TicketFactory
from tests.images import image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def designer_client(client):
    client.force_login(designer())
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def rows(html: str, testid: str, tag: str = "li") -> list[str]:
    return re.findall(rf'<{tag}[^>]*data-testid="{testid}"[^>]*>(.*?)</{tag}>', html, re.S)


def test_the_post_shows_its_images_and_its_build_with_links_to_the_catalog(designer_client, media):
    # Given a modification with an image and two parts, one listed as fitting its product
    post = PostFactory(kind=Post.Kind.MODIFICATION)
    PostImage.objects.create(post=post, image=image_upload(), alt="The mount, open")
    fits = PostPartFactory(post=post, part=PartFactory(name="Battery sled", kind="component"))
    fits.part.compatible_products.add(post.product)
    other = PostPartFactory(post=post, part=PartFactory(name="Magnet ring"), quantity=2)
    item = ReviewItemFactory(post=post)

    # When a designer opens the item
    html = designer_client.get(item.get_absolute_url()).content.decode()

    # Then the image shows, linked to the full picture
    (gallery,) = rows(html, "post-images", "div")
    assert 'alt="The mount, open"' in gallery and "/media/community/posts/" in gallery
    # And each part links to the catalog's parts, with its quantity, price and fit
    sled, ring = rows(html, "build-line", "tr")
    parts = reverse("products:parts")
    assert f'href="{parts}?kind=component&amp;compatible_with={post.product.slug}"' in sled
    assert "Battery sled" in sled and "Not listed as compatible" not in sled
    assert f'href="{parts}?kind=accessory"' in ring and "Not listed as compatible" in ring
    assert ">2<" in ring and other.part.sku in ring
    assert "€39.80" in ring or "39.80" in ring  # 2 × 19.90


def test_the_discussion_marks_official_answers_and_shows_hidden_comments_as_moderators_do(
    designer_client,
):
    # Given a discussion: a customer, an official answer, and a comment a moderator hid
    post = PostFactory()
    CommentFactory(post=post, body="Mine dies at 3 pm every day.")
    CommentFactory(post=post, author=agent(), is_official=True, body="We are measuring it.")
    CommentFactory(post=post, body="Cheap phones at spam.example", is_hidden=True)
    item = ReviewItemFactory(post=post)

    # When a designer (who moderates the communities) opens the item
    html = designer_client.get(item.get_absolute_url()).content.decode()

    # Then the whole discussion is there, oldest first: the official answer marked as such, the
    # hidden comment shown as the post's page shows it to moderators, marked hidden
    first, official, hidden = rows(html, "comment", "article")
    assert "Mine dies at 3 pm" in first and "Official" not in first
    assert "We are measuring it." in official and "Official" in official
    assert "spam.example" in hidden and "Hidden by a moderator" in hidden
    assert "3 comments" in html


def test_a_long_discussion_is_paged(designer_client):
    post = PostFactory()
    for number in range(51):
        CommentFactory(post=post, body=f"Comment number {number}.")
    item = ReviewItemFactory(post=post)

    first_page = designer_client.get(item.get_absolute_url()).content.decode()
    second_page = designer_client.get(item.get_absolute_url(), {"page": 2}).content.decode()

    assert len(rows(first_page, "comment", "article")) == 50
    assert "Page 1 of 2" in first_page
    assert [c for c in rows(second_page, "comment", "article") if "Comment number 50." in c]


def test_linked_tickets_are_summarised_newest_first(designer_client):
    # Given a post with more linked tickets than the page lists
    post = PostFactory()
    tickets = [
        TicketFactory(
            product=post.product,
            linked_post=post,
            subject=f"Battery swells, case {number}",
            description="The back cover lifts after two weeks of charging overnight. " * 10,
        )
        for number in range(12)
    ]
    item = ReviewItemFactory(post=post)

    # When a designer opens the item
    html = designer_client.get(item.get_absolute_url()).content.decode()

    # Then the newest ten show their number, subject, category, status and a short excerpt
    listed = rows(html, "linked-ticket")
    assert len(listed) == 10
    newest = tickets[-1]
    assert newest.number in listed[0] and "Battery swells, case 11" in listed[0]
    assert "Technical support" in listed[0] and newest.get_status_display() in listed[0]
    assert "The back cover lifts after two weeks" in listed[0]
    assert len(re.sub(r"<[^>]+>", "", listed[0])) < 400  # an excerpt, not the description
    assert "And 2 more linked tickets." in html


def test_the_decisions_so_far_name_the_generation(designer_client):
    current, upcoming = generation_chain(2)
    post = PostFactory(product=current)
    item = ReviewItemFactory(post=post)
    post_status_change(
        post=post,
        status="planned",
        message="For the next one.",
        author=designer(),
        adopted_in=upcoming,
    )

    html = designer_client.get(item.get_absolute_url()).content.decode()

    (decision,) = rows(html, "decision")
    assert "Planned" in decision and f"for {upcoming.name}" in decision
    assert "For the next one." in decision
    (badge,) = re.findall(r'data-testid="item-generation">([^<]*)<', html)  # by the status
    assert badge == f"for {upcoming.name}"


def _post_with(size: int) -> Post:
    """A surfaced modification with `size` of everything the page lists."""
    current, upcoming = generation_chain(2)
    post = PostFactory(product=current, kind=Post.Kind.MODIFICATION)
    for _ in range(size):
        PostPartFactory(post=post)
        TicketFactory(product=post.product, linked_post=post)
        Vote.objects.create(user=UserFactory(), post=post)
        CommentFactory(post=post)
        CommentFactory(post=post, author=agent(), is_official=True)
        PostImage.objects.create(post=post, image=image_upload())
        PostFactory(product=current, title=f"{post.title} again")  # similar posts
    post_status_change(
        post=post, status="planned", message="Planned.", author=designer(), adopted_in=upcoming
    )
    return ReviewItemFactory(post=post)


@pytest.mark.parametrize("size", [2, 20])
def test_the_page_takes_as_many_queries_for_a_big_post_as_for_a_small_one(
    designer_client, django_assert_num_queries, media, size
):
    item = _post_with(size)
    url = item.get_absolute_url()
    designer_client.get(url)

    # user (the session and the groups, may design, come from the cache); the item, its post
    # (with its linked tickets counted), tags, images, build, decisions, newest linked tickets;
    # the generations offered, the votes per day, the comments' count and page, their authors'
    # reputation and verified owners; similar posts, unread notices
    with django_assert_num_queries(16):
        response = designer_client.get(url)

    assert response.status_code == 200
