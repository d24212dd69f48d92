"""REST: the review queue and decisions (designers only), poll answers."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from community.models import Post
from designers.scoring import score_for_points
from products.models import Product
from tests.factories.accounts import agent, customer, designer, staff
from tests.factories.community import PostFactory
from tests.factories.designers import PollChoiceFactory, ReviewItemFactory
from tests.factories.products import generation_chain

pytestmark = pytest.mark.django_db


def _client(user=None):
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


def test_review_queue_is_for_designers():
    ReviewItemFactory()
    assert _client().get("/api/v1/review-queue/").status_code in (401, 403)
    response = _client(customer()).get("/api/v1/review-queue/")
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "code"}
    response = _client(designer()).get("/api/v1/review-queue/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_review_queue_filters():
    low = ReviewItemFactory(score=1)
    high = ReviewItemFactory(score=9, post__kind=Post.Kind.MODIFICATION)
    client = _client(designer())
    rows = client.get("/api/v1/review-queue/").json()["results"]
    assert {row["id"] for row in rows} == {high.pk, low.pk}
    assert rows[0]["reasons"] == ["threshold"]
    rows = client.get("/api/v1/review-queue/", {"kind": "modification"}).json()["results"]
    assert [row["id"] for row in rows] == [high.pk]
    response = client.get("/api/v1/review-queue/", {"product": low.product.slug})
    assert [row["id"] for row in response.json()["results"]] == [low.pk]
    response = client.get("/api/v1/review-queue/", {"state": "bogus"})
    assert response.status_code == 400 and "state" in response.json()["errors"]


def test_review_queue_is_ordered_by_support_or_by_the_posts_current_score():
    # Given an item many back that has gone cold, and one few back that is hot now
    now = timezone.now()
    cold = ReviewItemFactory(
        score=50, support=40, post__trending_score=score_for_points(2, now=now)
    )
    hot = ReviewItemFactory(score=5, support=3, post__trending_score=score_for_points(40, now=now))
    client = _client(designer())

    # When a designer reads the queue, then the most supported comes first
    rows = client.get("/api/v1/review-queue/").json()["results"]
    assert [row["id"] for row in rows] == [cold.pk, hot.pk]
    assert [row["support"] for row in rows] == [40, 3]

    # When they sort by trending, then the hot one comes first; each row keeps why it surfaced
    # and says what it is worth now
    rows = client.get("/api/v1/review-queue/", {"sort": "trending"}).json()["results"]
    assert [row["id"] for row in rows] == [hot.pk, cold.pk]
    assert [row["score"] for row in rows] == [5, 50]
    assert rows[0]["score_now"] == pytest.approx(40, rel=1e-3)


@pytest.mark.parametrize("slug", ["no such slug", "ürün", "a/b", "x%y"])
def test_a_malformed_product_slug_is_a_400(slug):
    ReviewItemFactory()
    response = _client(designer()).get("/api/v1/review-queue/", {"product": slug})
    assert response.status_code == 400
    assert "product" in response.json()["errors"]


def test_an_unknown_product_slug_is_an_empty_list_and_an_empty_one_no_filter():
    ReviewItemFactory()
    client = _client(designer())
    assert client.get("/api/v1/review-queue/", {"product": "nope"}).json()["count"] == 0
    assert client.get("/api/v1/review-queue/", {"product": ""}).json()["count"] == 1


@pytest.mark.parametrize("param", ["state", "kind"])
def test_an_invalid_state_or_kind_is_a_400_even_with_an_unknown_product(param):
    # The schema fuzzer found an unknown product answering 200 before the state was checked.
    response = _client(designer()).get(
        "/api/v1/review-queue/", {"product": "nope", param: "sideways"}
    )
    assert response.status_code == 400
    assert param in response.json()["errors"]


def test_the_schema_gives_the_product_filter_the_slug_pattern():
    schema = _client().get("/api/schema/", {"format": "json"}).json()
    (parameter,) = [
        p
        for p in schema["paths"]["/api/v1/review-queue/"]["get"]["parameters"]
        if p["name"] == "product"
    ]
    assert parameter["schema"]["pattern"] == "^[-a-zA-Z0-9_]*$"


def test_items_of_hidden_and_deleted_posts_are_not_in_the_api_queue():
    kept = ReviewItemFactory()
    hidden = ReviewItemFactory(post__is_hidden=True, post__hidden_reason="moderator")
    ReviewItemFactory(post__is_deleted=True)
    client = _client(designer())
    rows = client.get("/api/v1/review-queue/").json()["results"]
    assert [row["id"] for row in rows] == [kept.pk]
    assert client.get(f"/api/v1/review-queue/{hidden.pk}/").status_code == 404


@pytest.mark.parametrize("count", [2, 15])
def test_review_queue_query_count(django_assert_num_queries, count):
    for _ in range(count):
        ReviewItemFactory(assignee=designer())
    client = _client(designer())
    with django_assert_num_queries(3):  # groups (role), count, page
        assert client.get("/api/v1/review-queue/").status_code == 200


def test_post_status_endpoint():
    current, successor = generation_chain(2)
    post = PostFactory(product=current)
    url = f"/api/v1/posts/{post.pk}/status/"
    payload = {"status": "adopted", "message": "In gen 2", "adopted_in": successor.slug}

    assert _client(customer()).post(url, payload, format="json").status_code == 403
    response = _client(designer()).post(url, {**payload, "adopted_in": "nope"}, format="json")
    assert response.status_code == 400 and "adopted_in" in response.json()["errors"]
    response = _client(designer()).post(url, {**payload, "message": ""}, format="json")
    assert response.status_code == 400 and "message" in response.json()["errors"]

    response = _client(designer()).post(url, payload, format="json")
    assert response.status_code == 201
    assert response.json()["new_status"] == "adopted"
    assert response.json()["adopted_in"] == successor.slug
    post.refresh_from_db()
    assert post.adopted_in == successor

    response = _client(designer()).post(url, {"status": "declined", "message": "x"}, format="json")
    assert response.status_code == 400
    assert _client(designer()).post("/api/v1/posts/999999/status/", payload).status_code == 404


def test_adopting_into_a_discontinued_generation_is_a_400_naming_the_field():
    # Given a post of a line whose oldest generation is discontinued
    old, current = generation_chain(2)
    Product.objects.filter(pk=old.pk).update(status=Product.Status.DISCONTINUED)
    post = PostFactory(product=current)

    # When a designer adopts it into the discontinued generation
    response = _client(designer()).post(
        f"/api/v1/posts/{post.pk}/status/",
        {"status": "adopted", "message": "Into the old one", "adopted_in": old.slug},
        format="json",
    )

    # Then it is refused with the reason on the field, and nothing changed
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {
        "adopted_in": [f"{old.name} is discontinued: choose a generation that is not."]
    }
    post.refresh_from_db()
    assert (post.status, post.adopted_in) == ("open", None)


def test_a_planned_decision_names_its_generation_through_the_api():
    current, upcoming = generation_chain(2)
    post = PostFactory(product=current)
    url = f"/api/v1/posts/{post.pk}/status/"
    client = _client(designer())

    response = client.post(
        url, {"status": "planned", "message": "For gen 2", "adopted_in": upcoming.slug}, "json"
    )
    assert response.status_code == 201
    assert (response.json()["new_status"], response.json()["adopted_in"]) == (
        "planned",
        upcoming.slug,
    )
    response = client.post(url, {"status": "in_progress", "message": "Building it"}, "json")
    assert (response.status_code, response.json()["adopted_in"]) == (201, None)
    response = client.post(url, {"status": "planned", "message": "Back to the plan"}, "json")
    assert response.status_code == 400 and "status" in response.json()["errors"]


def test_post_status_duplicate_of():
    post = PostFactory()
    original = PostFactory(product=post.product)
    response = _client(designer()).post(
        f"/api/v1/posts/{post.pk}/status/",
        {"status": "duplicate", "message": "Same idea", "duplicate_of": original.pk},
        format="json",
    )
    assert response.status_code == 201
    post.refresh_from_db()
    assert post.duplicate_of == original


def test_poll_answers():
    choice = PollChoiceFactory()
    PollChoiceFactory(poll=choice.poll)
    url = f"/api/v1/polls/{choice.poll.pk}/answers/"
    voter = customer()
    client = _client(voter)
    assert client.get(url).status_code == 403  # results only after answering
    response = client.post(url, {"choice": choice.pk}, format="json")
    assert response.status_code == 201
    assert {row["id"]: row["answers"] for row in response.json()}[choice.pk] == 1
    response = client.post(url, {"choice": choice.pk}, format="json")
    assert response.status_code == 409  # one answer per customer
    assert response.json()["code"] == "conflict"
    assert "already answered" in response.json()["detail"]
    assert client.get(url).status_code == 200
    assert _client(voter).post("/api/v1/polls/999999/answers/", {"choice": 1}).status_code == 404
    assert _client().post(url, {"choice": choice.pk}).status_code in (401, 403)


def test_trending_sort_in_the_posts_api():
    cold = PostFactory(trending_score=1)
    hot = PostFactory(product=cold.product, trending_score=50)
    response = _client().get("/api/v1/posts/", {"sort": "trending", "product": cold.product.slug})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [hot.pk, cold.pk]


@pytest.mark.parametrize("make", [agent, designer, staff], ids=["agent", "designer", "staff"])
def test_the_team_reads_poll_results_but_may_not_answer(make):
    # Given a poll and a member of the team
    choice = PollChoiceFactory()
    url = f"/api/v1/polls/{choice.poll.pk}/answers/"
    client = _client(make())

    # When they answer, then it is a 403 that says why
    response = client.post(url, {"choice": choice.pk}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == ("Only customers answer polls; the team sees the results.")
    assert not choice.poll.answers.exists()
    # and they read the results without answering
    response = client.get(url)
    assert response.status_code == 200
    assert {row["id"]: row["answers"] for row in response.json()} == {choice.pk: 0}


@pytest.mark.parametrize("ordering", ["bogus", "score", "-surfaced_at"])
def test_the_review_queue_takes_no_ordering(ordering):
    ReviewItemFactory()

    response = _client(designer()).get("/api/v1/review-queue/", {"ordering": ordering})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ordering"]


def test_an_empty_ordering_on_the_review_queue_is_no_ordering():
    ReviewItemFactory()

    assert _client(designer()).get("/api/v1/review-queue/?ordering=").status_code == 200
