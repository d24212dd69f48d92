"""The /design/ workspace pages: access, filters, the item page, decisions, query counts."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cocreate.accounts.roles import Role
from cocreate.accounts.services import role_grant
from community.models import Post, Vote
from designers.models import ReviewItem
from designers.scoring import score_for_points
from tests.factories.accounts import UserFactory, agent, customer, designer, staff
from tests.factories.community import PostFactory, PostPartFactory
from tests.factories.designers import PollAnswerFactory, PollChoiceFactory, ReviewItemFactory
from tests.factories.products import generation_chain
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db


def points_now(points: float) -> float:
    """The stored trending score of a post worth `points` now."""
    return score_for_points(points, now=timezone.now())


@pytest.fixture
def designer_client(client):
    user = designer()
    client.force_login(user)
    client.user = user
    return client


def test_anonymous_goes_to_login_and_customers_are_refused(client):
    item = ReviewItemFactory()
    for url in (
        reverse("designers:queue"),
        item.get_absolute_url(),
        reverse("designers:dashboard"),
    ):
        assert client.get(url).status_code == 302
    client.force_login(customer())
    for url in (
        reverse("designers:queue"),
        item.get_absolute_url(),
        reverse("designers:dashboard"),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("designers:item_assign", args=[item.pk])).status_code == 403


def test_queue_sorted_by_current_score_and_filtered(designer_client):
    # Given an item that surfaced high but has gone cold, and one that surfaced low and is hot now
    low = ReviewItemFactory(score=50, post__trending_score=points_now(2))
    high = ReviewItemFactory(
        score=5, post__kind=Post.Kind.MODIFICATION, post__trending_score=points_now(40)
    )
    # When a designer opens the queue sorted by trending
    response = designer_client.get(reverse("designers:queue"), {"sort": "trending"})
    # Then the hot one comes first, and the row shows its score now and when it surfaced
    assert response.status_code == 200
    assert [item.pk for item in response.context["page"].object_list] == [high.pk, low.pk]
    html = response.content.decode()
    assert "40.0<br>" in html and "5.0 when surfaced" in html

    response = designer_client.get(reverse("designers:queue"), {"kind": "modification"})
    assert [item.pk for item in response.context["page"].object_list] == [high.pk]
    response = designer_client.get(reverse("designers:queue"), {"product": low.product.slug})
    assert [item.pk for item in response.context["page"].object_list] == [low.pk]
    response = designer_client.get(reverse("designers:queue"), {"state": "decided"})
    assert list(response.context["page"].object_list) == []


def _items(count):
    for _ in range(count):
        item = ReviewItemFactory(assignee=designer())
        Vote.objects.create(user=UserFactory(), post=item.post)


@pytest.mark.parametrize("count", [2, 12])
def test_queue_query_count_does_not_grow(designer_client, django_assert_num_queries, count):
    _items(count)
    url = reverse("designers:queue")
    designer_client.get(url)
    # user, product choices, counts, page count, page rows, unread notices (the session and the
    # roles come from the cache)
    with django_assert_num_queries(6):
        assert designer_client.get(url).status_code == 200


def test_item_page_shows_post_parts_tickets_similar_and_chart(designer_client):
    post = PostFactory(kind=Post.Kind.MODIFICATION, title="Bigger battery pack mod")
    line = PostPartFactory(post=post)
    ticket = TicketFactory(product=post.product, linked_post=post)
    PostFactory(product=post.product, title="Battery drains fast")
    Vote.objects.create(user=UserFactory(), post=post)
    item = ReviewItemFactory(post=post)

    html = designer_client.get(item.get_absolute_url()).content.decode()

    assert line.part.name in html
    assert ticket.number in html and ticket.subject in html
    assert "Battery drains fast" in html
    assert '<svg class="chart"' in html


def test_linked_tickets_are_listed_without_a_link_a_designer_could_not_open(designer_client):
    # Given a surfaced post with a linked ticket
    post = PostFactory()
    ticket = TicketFactory(
        product=post.product, linked_post=post, subject="Battery swells after update"
    )
    item = ReviewItemFactory(post=post)

    # When a designer opens the item
    html = designer_client.get(item.get_absolute_url()).content.decode()

    # Then the ticket shows its number, subject, category and status, and links nowhere
    (row,) = re.findall(r'<li data-testid="linked-ticket">(.*?)</li>', html, re.S)
    assert ticket.number in row and "Battery swells after update" in row
    assert "Technical support" in row and ticket.get_status_display() in row
    assert "<a " not in row
    assert "/support/tickets/" not in html


@pytest.mark.parametrize("who", ["staff", "designer and agent"])
def test_agents_get_the_desk_link_to_a_linked_ticket(client, who):
    # Given a post with a linked ticket, and someone who works the desk
    post = PostFactory()
    ticket = TicketFactory(product=post.product, linked_post=post)
    item = ReviewItemFactory(post=post)
    if who == "staff":
        user = staff()
    else:
        user = designer()
        role_grant(user=user, role=Role.AGENT)
    client.force_login(user)

    # When they open the item
    html = client.get(item.get_absolute_url()).content.decode()

    # Then the ticket links to the desk
    (row,) = re.findall(r'<li data-testid="linked-ticket">(.*?)</li>', html, re.S)
    assert f'<a href="/desk/tickets/{ticket.number}/">{ticket.number}</a>' in row
    assert "/support/tickets/" not in html


def test_adopt_from_the_item_page(designer_client):
    current, successor = generation_chain(2)
    item = ReviewItemFactory(post__product=current)
    url = reverse("designers:item_status", args=[item.pk])

    response = designer_client.post(url, {"status": "adopted", "message": ""})
    assert response.status_code == 400
    assert (
        "Write the public message" in response.content.decode()
        or "required" in response.content.decode()
    )

    response = designer_client.post(url, {"status": "adopted", "message": "Coming in gen 2"})
    assert response.status_code == 400
    assert "Name the product generation" in response.content.decode()

    response = designer_client.post(
        url, {"status": "adopted", "message": "Coming in gen 2", "adopted_in": successor.pk}
    )
    assert response.status_code == 302
    item.post.refresh_from_db()
    assert item.post.adopted_in == successor
    # The public post page shows the team's response.
    assert "Coming in gen 2" in designer_client.get(item.post.get_absolute_url()).content.decode()


def test_unknown_duplicate_is_a_form_error(designer_client):
    item = ReviewItemFactory()
    response = designer_client.post(
        reverse("designers:item_status", args=[item.pk]),
        {"status": "duplicate", "message": "Dup", "duplicate_of": 999999},
    )
    assert response.status_code == 400
    assert "No visible post has this number" in response.content.decode()


def test_assign_to_me(designer_client):
    item = ReviewItemFactory()
    response = designer_client.post(reverse("designers:item_assign", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.assignee == designer_client.user and item.state == ReviewItem.State.IN_REVIEW
    assert designer_client.get(reverse("designers:item_assign", args=[item.pk])).status_code == 405


def test_unknown_item_is_404(designer_client):
    assert designer_client.get(reverse("designers:item", args=[999999])).status_code == 404


def test_dashboard_charts(designer_client):
    current, successor = generation_chain(2)
    PostFactory(product=current, status=Post.Status.ADOPTED, adopted_in=successor)
    ReviewItemFactory(post__product=current)
    response = designer_client.get(reverse("designers:dashboard"), {"product": current.slug})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg class="chart"') == 5
    assert successor.name in html


def test_publish_an_evaluation_with_a_poll(designer_client):
    product = generation_chain(1)[0]
    response = designer_client.post(
        reverse("designers:evaluation_new"),
        {
            "product": product.slug,
            "title": "Hinge evaluation",
            "body": "We tested hinges.",
            "question": "Which one?",
            "choices": "Steel\nTitanium",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(kind=Post.Kind.EVALUATION)
    assert response.url == reverse("designers:poll", args=[post.poll.pk])


def test_poll_results_only_after_answering(client):
    choice = PollChoiceFactory()
    PollChoiceFactory(poll=choice.poll)
    url = reverse("designers:poll", args=[choice.poll.pk])
    voter = customer()
    client.force_login(voter)
    assert client.get(url).context["show_results"] is False

    assert client.post(url, {"choice": choice.pk}).status_code == 302
    response = client.get(url)
    assert response.context["show_results"] is True
    assert '<svg class="chart"' in response.content.decode()
    client.post(url, {"choice": choice.pk})
    assert choice.poll.answers.count() == 1


def test_a_hand_edited_choice_is_a_form_error(client):
    # Given a customer on a poll
    choice = PollChoiceFactory()
    url = reverse("designers:poll", args=[choice.poll.pk])
    client.force_login(customer())

    for value in ("abc", "", str(PollChoiceFactory().pk)):  # not a number, none, another poll's
        # When the form comes back with that choice
        response = client.post(url, {"choice": value})

        # Then the page shows the form again with an error on the choice, and nothing is saved
        assert response.status_code == 400
        assert "Choose one of the answers." in response.content.decode()
        assert response.context["form"].errors["choice"]
    assert not choice.poll.answers.exists()


def test_a_second_answer_is_refused_with_a_clear_message(client):
    # Given a customer who answered a poll
    choice = PollChoiceFactory()
    other = PollChoiceFactory(poll=choice.poll)
    url = reverse("designers:poll", args=[choice.poll.pk])
    client.force_login(customer())
    client.post(url, {"choice": choice.pk})

    # When they answer again (say from another tab)
    response = client.post(url, {"choice": other.pk})

    # Then the page says their first answer counts, and shows the results
    assert response.status_code == 409
    html = response.content.decode()
    assert "You have already answered this poll: only your first answer counts." in html
    assert '<svg class="chart"' in html
    assert list(choice.poll.answers.values_list("choice", flat=True)) == [choice.pk]


@pytest.mark.parametrize("make", [agent, designer, staff], ids=["agent", "designer", "staff"])
def test_the_team_sees_the_results_and_no_form(client, make):
    # Given a poll some customers answered, and a member of the team
    choice = PollChoiceFactory()
    PollAnswerFactory(poll=choice.poll, choice=choice)
    url = reverse("designers:poll", args=[choice.poll.pk])
    client.force_login(make())

    # When they open it
    response = client.get(url)

    # Then they see the results and no answer form
    html = response.content.decode()
    assert response.context["show_results"] is True
    assert '<svg class="chart"' in html and 'name="choice"' not in html
    assert "as a member of the team you see the results" in html
    # and an answer sent anyway is refused
    assert client.post(url, {"choice": choice.pk}).status_code == 403
    assert choice.poll.answers.count() == 1


def test_someone_without_a_customer_role_gets_no_form(client):
    choice = PollChoiceFactory()
    client.force_login(UserFactory(role=Role.PARTNER_MEMBER))
    html = client.get(reverse("designers:poll", args=[choice.poll.pk])).content.decode()
    assert 'name="choice"' not in html and "Only customers answer this poll." in html


def test_adopted_idea_is_listed_on_the_adopting_products_page(designer_client):
    current, successor = generation_chain(2)
    item = ReviewItemFactory(post__product=current, post__title="Swap-in camera module")
    designer_client.post(
        reverse("designers:item_status", args=[item.pk]),
        {"status": "adopted", "message": "Yes", "adopted_in": successor.pk},
    )
    html = designer_client.get(reverse("products:detail", args=[successor.slug])).content.decode()
    assert "Swap-in camera module" in html


@pytest.mark.parametrize("count", [1, 8])
def test_dashboard_query_count_does_not_grow(designer_client, django_assert_num_queries, count):
    current, successor = generation_chain(2)
    for _ in range(count):
        item = ReviewItemFactory(post__product=current)
        Vote.objects.create(user=UserFactory(), post=item.post)
        PostFactory(product=current, status=Post.Status.ADOPTED, adopted_in=successor)
    url = reverse("designers:dashboard")
    designer_client.get(url, {"product": current.slug})
    # user, notices, product, 5 chart reads, open items, product choices (the session and the
    # roles come from the cache)
    with django_assert_num_queries(10):
        assert designer_client.get(url, {"product": current.slug}).status_code == 200


def test_hidden_and_deleted_posts_leave_the_queue(designer_client):
    # Given items of a shown post, a post a moderator hid, and a post its author deleted
    kept = ReviewItemFactory()
    ReviewItemFactory(post__is_hidden=True, post__hidden_reason="moderator")
    ReviewItemFactory(post__is_deleted=True)

    # When a designer opens the queue
    response = designer_client.get(reverse("designers:queue"))

    # Then only the shown post's item is listed and counted
    assert [item.pk for item in response.context["page"].object_list] == [kept.pk]
    assert response.context["counts"][ReviewItem.State.NEW] == 1
