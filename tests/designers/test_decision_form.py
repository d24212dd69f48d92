"""The decision form on the item page: what it offers (the next statuses, the generations not
discontinued), room to write the public message, and the service's refusals on its fields."""

import re

import pytest
from django.urls import reverse

from community.models import Post, StatusChange
from designers.services import post_status_change
from products.models import Product
from tests.factories.accounts import designer
from tests.factories.community import PostFactory
from tests.factories.designers import ReviewItemFactory
from tests.factories.products import generation_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def designer_client(client):
    client.force_login(designer())
    return client


@pytest.fixture
def line():
    """The oldest generation discontinued, the current one on sale, the next in development."""
    old, current, upcoming = generation_chain(3)
    Product.objects.filter(pk=old.pk).update(status=Product.Status.DISCONTINUED)
    Product.objects.filter(pk=upcoming.pk).update(status=Product.Status.IN_DEVELOPMENT)
    return old, current, upcoming


@pytest.fixture
def item(line):
    return ReviewItemFactory(post=PostFactory(product=line[1]))


def options(html: str, name: str) -> list[tuple[str, str]]:
    (select,) = re.findall(rf'<select name="{name}".*?</select>', html, re.S)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_generations_offered_are_those_not_discontinued(designer_client, line, item):
    old, current, upcoming = line

    html = designer_client.get(item.get_absolute_url()).content.decode()

    offered = options(html, "adopted_in")
    assert [value for value, _label in offered] == ["", str(upcoming.pk), str(current.pk)]
    assert f"{upcoming.name} · In development" in dict(offered).values()
    assert old.name not in html.split('name="adopted_in"')[1].split("</select>")[0]


def test_the_statuses_offered_are_the_next_ones(designer_client, line, item):
    html = designer_client.get(item.get_absolute_url()).content.decode()
    assert [value for value, _label in options(html, "status")] == [
        "",
        "under_review",
        "planned",
        "in_progress",
        "adopted",
        "declined",
        "duplicate",
    ]

    post_status_change(
        post=item.post,
        status="planned",
        message="Planned.",
        author=designer(),
        adopted_in=line[2],
    )
    html = designer_client.get(item.get_absolute_url()).content.decode()

    assert options(html, "status") == [
        ("", "Choose a status"),
        ("planned", "Planned, for another generation"),
        ("in_progress", "In progress"),
        ("adopted", "Adopted"),
        ("declined", "Declined"),
    ]
    # The generation it is planned for is chosen already for the next step.
    assert re.search(rf'<option value="{line[2].pk}" selected>', html)


def test_the_message_has_room_and_its_limit_is_shown(designer_client, item):
    html = designer_client.get(item.get_absolute_url()).content.decode()

    (textarea,) = re.findall(r'<textarea name="message"[^>]*>', html)
    assert 'rows="10"' in textarea and 'maxlength="10000"' in textarea
    assert 'data-count-format="%(count)s of %(max)s characters"' in textarea
    assert "up to 10,000 characters" in html
    assert "/static/js/designers.js" in html


def test_adopting_into_a_discontinued_generation_is_a_form_error(designer_client, line, item):
    old = line[0]

    response = designer_client.post(
        reverse("designers:item_status", args=[item.pk]),
        {"status": "adopted", "message": "Into the old one.", "adopted_in": old.pk},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert (
        f'<p class="error" id="id_adopted_in_error">{old.name} is discontinued: choose a '
        "generation that is not.</p>"
    ) in html
    item.post.refresh_from_db()
    assert (item.post.status, item.post.adopted_in) == ("open", None)
    assert not StatusChange.objects.exists()


def test_plan_an_idea_for_a_generation_from_the_page(designer_client, line, item):
    upcoming = line[2]
    url = reverse("designers:item_status", args=[item.pk])

    response = designer_client.post(
        url, {"status": "planned", "message": "Planned for gen 3.", "adopted_in": upcoming.pk}
    )

    assert response.status_code == 302
    item.post.refresh_from_db()
    assert (item.post.status, item.post.adopted_in) == ("planned", upcoming)
    html = designer_client.get(item.get_absolute_url()).content.decode()
    assert f'data-testid="item-generation">for {upcoming.name}<' in html
    # A step back is refused on the form, saying which steps there are.
    response = designer_client.post(url, {"status": "under_review", "message": "Hmm."})
    assert response.status_code == 400
    assert (
        "A post that is “Planned” can become: In progress, Adopted, Declined."
        in response.content.decode()
    )


def test_a_final_decision_offers_no_form(designer_client, line, item):
    post_status_change(post=item.post, status="declined", message="No.", author=designer())

    html = designer_client.get(item.get_absolute_url()).content.decode()

    assert 'name="message"' not in html
    assert "This decision is final" in html
    assert Post.objects.get(pk=item.post.pk).status == "declined"


@pytest.mark.parametrize(
    "data",
    [
        {"status": "adopted", "message": "Yes.", "adopted_in": "not-a-number"},
        {"status": "adopted", "message": "Yes.", "adopted_in": "999999"},
        {"status": "bogus", "message": "Yes."},
        {"status": "duplicate", "message": "Dup.", "duplicate_of": "-3"},
        {"status": "planned", "message": "x" * 10001},
    ],
)
def test_bad_input_is_a_form_error_not_a_crash(designer_client, item, data):
    response = designer_client.post(reverse("designers:item_status", args=[item.pk]), data)

    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("page", ["abc", "0", "999", "-1"])
def test_a_bad_discussion_page_number_shows_a_page(designer_client, item, page):
    assert designer_client.get(item.get_absolute_url(), {"page": page}).status_code == 200
