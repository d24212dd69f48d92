"""The /design/ workspace pages: access, filters, the item page, decisions, query counts."""

import pytest
from django.urls import reverse

from community.models import Post, Vote
from designers.models import ReviewItem
from tests.factories.accounts import UserFactory, customer, designer
from tests.factories.community import PostFactory, PostPartFactory
from tests.factories.designers import PollChoiceFactory, ReviewItemFactory
from tests.factories.products import generation_chain
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db


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


def test_queue_sorted_by_score_and_filtered(designer_client):
    low = ReviewItemFactory(score=5)
    high = ReviewItemFactory(score=50, post__kind=Post.Kind.MODIFICATION)
    response = designer_client.get(reverse("designers:queue"))
    assert response.status_code == 200
    assert [item.pk for item in response.context["page"].object_list] == [high.pk, low.pk]

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
    # session, user, groups (role), product choices, counts, page count, page rows, unread notices
    with django_assert_num_queries(8):
        assert designer_client.get(url).status_code == 200


@pytest.mark.parametrize("parts", [1, 6])
def test_item_page_query_count_does_not_grow(designer_client, django_assert_num_queries, parts):
    post = PostFactory(kind=Post.Kind.MODIFICATION)
    for _ in range(parts):
        PostPartFactory(post=post)
        TicketFactory(product=post.product, linked_post=post)
        Vote.objects.create(user=UserFactory(), post=post)
    item = ReviewItemFactory(post=post)
    designer_client.get(item.get_absolute_url())
    with django_assert_num_queries(12):
        response = designer_client.get(item.get_absolute_url())
    assert response.status_code == 200


def test_item_page_shows_post_parts_tickets_similar_and_chart(designer_client):
    post = PostFactory(kind=Post.Kind.MODIFICATION, title="Bigger battery pack mod")
    line = PostPartFactory(post=post)
    ticket = TicketFactory(product=post.product, linked_post=post)
    PostFactory(product=post.product, title="Battery drains fast")
    Vote.objects.create(user=UserFactory(), post=post)
    item = ReviewItemFactory(post=post)

    html = designer_client.get(item.get_absolute_url()).content.decode()

    assert line.part.name in html
    assert str(ticket) in html
    assert "Battery drains fast" in html
    assert '<svg class="chart"' in html


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
    # session, user, groups, notices, product, 5 chart reads, open items, product choices
    with django_assert_num_queries(12):
        assert designer_client.get(url, {"product": current.slug}).status_code == 200


def test_a_deleted_post_leaves_the_queue(designer_client):
    kept = ReviewItemFactory()
    ReviewItemFactory(post__is_deleted=True)
    response = designer_client.get(reverse("designers:queue"))
    assert [item.pk for item in response.context["page"].object_list] == [kept.pk]
