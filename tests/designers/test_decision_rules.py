"""Which decision may follow which, and the product generation a decision names.

planned → in progress → adopted; planned and in progress may name the generation they are for
(and move to another one), adopted must name one, declined and duplicate name none; a final
status never changes; a discontinued generation is never named (docs/design.md, "Decisions")."""

import pytest
from django.core.exceptions import ValidationError

from cocreate.notifications.models import Notification
from community.models import Follow, Post, ReputationEvent, StatusChange
from designers.models import ReviewItem
from designers.services import post_status_change
from products.models import Product
from tests.factories.accounts import designer
from tests.factories.community import PostFactory
from tests.factories.designers import ReviewItemFactory
from tests.factories.products import generation_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def line():
    """Three generations of one line: the oldest discontinued, the current one on sale, the
    next in development."""
    old, current, upcoming = generation_chain(3)
    Product.objects.filter(pk=old.pk).update(status=Product.Status.DISCONTINUED)
    Product.objects.filter(pk=upcoming.pk).update(status=Product.Status.IN_DEVELOPMENT)
    old.refresh_from_db()
    upcoming.refresh_from_db()
    return old, current, upcoming


@pytest.fixture
def post(line):
    post = PostFactory(product=line[1], kind=Post.Kind.SUGGESTION)
    Follow.objects.create(user=post.author, post=post)
    ReviewItemFactory(post=post)
    return post


def decide(post, status, adopted_in=None, message="The team's answer."):
    return post_status_change(
        post=post, status=status, message=message, author=designer(), adopted_in=adopted_in
    )


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_planned_names_the_generation_it_is_planned_for(post, line):
    _old, _current, upcoming = line

    change = decide(post, Post.Status.PLANNED, adopted_in=upcoming)

    post.refresh_from_db()
    assert (post.status, post.adopted_in) == ("planned", upcoming)
    assert change.adopted_in == upcoming
    assert ReviewItem.objects.get(post=post).state == ReviewItem.State.DECIDED
    note = Notification.objects.get(recipient=post.author)
    assert note.title == f"Planned for {upcoming.name}: {post.title}"
    # Planned is not adopted: the product does not list it as co-created yet.
    assert not upcoming.adopted_posts.filter(status=Post.Status.ADOPTED).exists()


def test_planned_may_leave_the_generation_open(post):
    decide(post, Post.Status.PLANNED)

    post.refresh_from_db()
    assert (post.status, post.adopted_in) == ("planned", None)


def test_planned_then_in_progress_then_adopted(post, line):
    _old, _current, upcoming = line

    decide(post, Post.Status.PLANNED, adopted_in=upcoming)
    decide(post, Post.Status.IN_PROGRESS, adopted_in=upcoming)
    decide(post, Post.Status.ADOPTED, adopted_in=upcoming)

    post.refresh_from_db()
    assert (post.status, post.adopted_in) == ("adopted", upcoming)
    steps = StatusChange.objects.filter(post=post).order_by("id")
    assert [(c.old_status, c.new_status, c.adopted_in) for c in steps] == [
        ("open", "planned", upcoming),
        ("planned", "in_progress", upcoming),
        ("in_progress", "adopted", upcoming),
    ]
    kinds = sorted(ReputationEvent.objects.filter(post=post).values_list("kind", flat=True))
    assert kinds == ["idea_adopted", "idea_planned"]


def test_in_progress_without_planned_first_still_rewards_the_plan(post, line):
    decide(post, Post.Status.IN_PROGRESS, adopted_in=line[2])

    assert ReputationEvent.objects.get(post=post).kind == "idea_planned"


@pytest.mark.parametrize("status", ["planned", "in_progress"])
def test_a_planned_idea_moves_to_another_generation(post, line, status):
    # Given an idea planned (or in progress) for the current generation
    _old, current, upcoming = line
    decide(post, status, adopted_in=current)

    # When the team moves it to the next generation, saying why
    change = decide(post, status, adopted_in=upcoming, message="It needs the new board.")

    # Then the post names the new generation and the timeline records the move
    post.refresh_from_db()
    assert (post.status, post.adopted_in) == (status, upcoming)
    assert (change.old_status, change.new_status, change.adopted_in) == (status, status, upcoming)
    assert change.message == "It needs the new board."
    assert ReputationEvent.objects.filter(post=post).count() == 1
    # Naming the same generation again is no decision.
    assert "status" in errors_of(lambda: decide(post, status, adopted_in=upcoming))


@pytest.mark.parametrize("status", ["planned", "in_progress", "adopted"])
def test_a_discontinued_generation_is_refused(post, line, status):
    old, _current, _upcoming = line

    errors = errors_of(lambda: decide(post, status, adopted_in=old))

    assert errors == {
        "adopted_in": [f"{old.name} is discontinued: choose a generation that is not."]
    }
    post.refresh_from_db()
    assert (post.status, post.adopted_in) == ("open", None)


@pytest.mark.parametrize("status", ["planned", "in_progress", "adopted"])
def test_a_generation_of_another_line_is_refused(post, status):
    elsewhere = generation_chain(1)[0]

    assert "adopted_in" in errors_of(lambda: decide(post, status, adopted_in=elsewhere))


@pytest.mark.parametrize("status", ["under_review", "declined"])
def test_only_planned_in_progress_and_adopted_name_a_generation(post, line, status):
    errors = errors_of(lambda: decide(post, status, adopted_in=line[2]))

    assert errors["adopted_in"] == [
        "Only a planned, in-progress or adopted post names a product generation."
    ]


def test_adopted_names_a_generation(post):
    errors = errors_of(lambda: decide(post, Post.Status.ADOPTED))

    assert errors["adopted_in"] == ["Name the product generation that adopts the idea."]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (["planned"], "under_review"),
        (["in_progress"], "planned"),
        (["in_progress"], "under_review"),
        (["planned"], "duplicate"),
        (["planned", "in_progress"], "planned"),
    ],
)
def test_a_decision_never_goes_back(post, before, after):
    for status in before:
        decide(post, status)

    errors = errors_of(lambda: decide(post, after))

    assert errors["status"][0].startswith("A post that is “")
    post.refresh_from_db()
    assert post.status == before[-1]


@pytest.mark.parametrize(
    ("final", "then"),
    [("adopted", "in_progress"), ("declined", "planned"), ("adopted", "adopted")],
)
def test_a_final_decision_never_changes(post, line, final, then):
    decide(post, final, adopted_in=line[2] if final == "adopted" else None)

    errors = errors_of(
        lambda: decide(post, then, adopted_in=line[1] if then != "planned" else None)
    )

    assert errors["status"] == ["A decided post cannot change status again."]


def test_the_public_page_says_what_the_generation_is_for(client, post, line):
    # Given an idea planned for the next generation
    _old, _current, upcoming = line
    decide(post, Post.Status.PLANNED, adopted_in=upcoming, message="Planned for gen 3.")

    # When anyone reads the post
    html = client.get(post.get_absolute_url()).content.decode()

    # Then it is planned for that generation, not adopted in it
    assert f"Planned for {upcoming.name}" in html
    assert f"planned for {upcoming.name}" in html  # on the team's timeline
    assert "Adopted in" not in html and "adopted in" not in html
