"""Designers' decisions: the public record, notices, reputation, webhooks; evaluations, polls."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cocreate.accounts.roles import Role
from cocreate.accounts.services import role_grant
from cocreate.notifications.models import Notification
from cocreate.webhooks.models import WebhookDelivery, WebhookEndpoint
from community.models import Follow, Post, ReputationEvent, StatusChange, Vote
from community.services import follow_add, vote_cast
from designers.models import PollAnswer, ReviewItem
from designers.services import (
    PollAlreadyAnswered,
    evaluation_publish,
    poll_answer,
    post_status_change,
    review_item_assign,
)
from tests.factories.accounts import UserFactory, agent, customer, designer, staff
from tests.factories.community import PostFactory
from tests.factories.designers import PollChoiceFactory, ReviewItemFactory
from tests.factories.products import generation_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea():
    current, successor = generation_chain(2)
    post = PostFactory(product=current, kind=Post.Kind.MODIFICATION)
    Follow.objects.create(user=post.author, post=post)
    return post, successor


def test_adoption_is_public_notifies_followers_rewards_and_emits(idea):
    post, successor = idea
    follower = customer()
    # Webhook endpoints belong to partner members (or staff): this follower is both.
    role_grant(user=follower, role=Role.PARTNER_MEMBER)
    follow_add(user=follower, post=post)
    item = ReviewItemFactory(post=post)
    team = designer()
    hook = WebhookEndpoint.objects.create(
        owner=follower,
        url="https://example.com/hook",
        events=["post.adopted", "post.status_changed"],
    )

    change = post_status_change(
        post=post,
        status=Post.Status.ADOPTED,
        message="We put this **in the next generation**.",
        author=team,
        adopted_in=successor,
    )

    post.refresh_from_db()
    assert (post.status, post.adopted_in) == (Post.Status.ADOPTED, successor)
    assert (change.old_status, change.new_status, change.adopted_in) == (
        "open",
        "adopted",
        successor,
    )
    assert "<strong>in the next generation</strong>" in change.message_html
    assert list(successor.adopted_posts.all()) == [post]
    item.refresh_from_db()
    assert (item.state, item.decision) == (ReviewItem.State.DECIDED, "adopted")
    notes = Notification.objects.filter(kind="post.adopted")
    assert set(notes.values_list("recipient_id", flat=True)) == {post.author_id, follower.pk}
    assert all(note.dedupe_key == f"post.status:{change.pk}" for note in notes)
    assert ReputationEvent.objects.get(user=post.author, post=post).kind == "idea_adopted"
    assert set(WebhookDelivery.objects.filter(endpoint=hook).values_list("event", flat=True)) == {
        "post.adopted",
        "post.status_changed",
    }


def test_a_message_is_required(idea):
    post, _successor = idea
    with pytest.raises(ValidationError) as error:
        post_status_change(post=post, status="planned", message="  ", author=designer())
    assert "message" in error.value.message_dict
    assert not StatusChange.objects.exists()


def test_adoption_names_a_generation_of_the_same_line(idea):
    post, _successor = idea
    with pytest.raises(ValidationError) as error:
        post_status_change(post=post, status="adopted", message="Yes", author=designer())
    assert "adopted_in" in error.value.message_dict
    other_line = generation_chain(1)[0]
    with pytest.raises(ValidationError):
        post_status_change(
            post=post, status="adopted", message="Yes", author=designer(), adopted_in=other_line
        )


def test_duplicate_names_another_visible_post(idea):
    post, _successor = idea
    original = PostFactory(product=post.product)
    with pytest.raises(ValidationError) as error:
        post_status_change(
            post=post, status="duplicate", message="Dup", author=designer(), duplicate_of=post
        )
    assert "duplicate_of" in error.value.message_dict

    post_status_change(
        post=post,
        status="duplicate",
        message="See the original",
        author=designer(),
        duplicate_of=original,
    )
    post.refresh_from_db()
    assert post.duplicate_of == original


def test_only_designers_decide(idea):
    post, _successor = idea
    with pytest.raises(PermissionDenied):
        post_status_change(post=post, status="planned", message="Hmm", author=customer())


def test_a_decided_post_stays_decided_and_reputation_counts_once(idea):
    post, successor = idea
    team = designer()
    post_status_change(post=post, status="planned", message="Planned", author=team)
    post_status_change(
        post=post, status="adopted", message="Done", author=team, adopted_in=successor
    )
    with pytest.raises(ValidationError):
        post_status_change(post=post, status="declined", message="No", author=team)
    kinds = sorted(ReputationEvent.objects.filter(post=post).values_list("kind", flat=True))
    assert kinds == ["idea_adopted", "idea_planned"]


def test_under_review_keeps_the_item_in_review(idea):
    post, _successor = idea
    item = ReviewItemFactory(post=post)
    post_status_change(post=post, status="under_review", message="Looking", author=designer())
    item.refresh_from_db()
    assert item.state == ReviewItem.State.IN_REVIEW and item.decided_at is None


def test_assign_to_me():
    item = ReviewItemFactory()
    me = designer()
    review_item_assign(item=item, user=me)
    item.refresh_from_db()
    assert (item.assignee, item.state) == (me, ReviewItem.State.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        review_item_assign(item=item, user=customer())


def test_evaluation_with_a_poll_and_one_answer_per_customer():
    product = generation_chain(1)[0]
    post = evaluation_publish(
        author=designer(),
        product=product,
        title="Evaluating the new hinge",
        body="We tested three hinges.",
        question="Which hinge do you prefer?",
        choices=["Steel", "Titanium", ""],
    )
    assert post.kind == Post.Kind.EVALUATION
    choices = list(post.poll.choices.all())
    assert [c.label for c in choices] == ["Steel", "Titanium"]
    voter = customer()
    poll_answer(poll=post.poll, choice=choices[0], user=voter)
    with pytest.raises(PollAlreadyAnswered):
        poll_answer(poll=post.poll, choice=choices[1], user=voter)
    assert PollAnswer.objects.count() == 1


def test_an_evaluation_is_announced_to_the_products_followers():
    """Official posts are news too: the product's followers hear of them as of members' posts."""
    from cocreate.outbox.models import OutboxMessage
    from community import tasks
    from community.services import product_follow_add

    product = generation_chain(1)[0]
    product_follow_add(user=customer(), product=product)

    post = evaluation_publish(author=designer(), product=product, title="A new hinge", body="B.")

    (message,) = OutboxMessage.objects.filter(task=tasks.notify_product_followers.name)
    assert message.args == [post.pk]


@pytest.mark.parametrize("make", [agent, designer, staff], ids=["agent", "designer", "staff"])
def test_only_customers_answer_polls(make):
    choice = PollChoiceFactory()
    with pytest.raises(PermissionDenied):
        poll_answer(poll=choice.poll, choice=choice, user=make())
    assert not PollAnswer.objects.exists()


def test_a_poll_needs_two_choices_and_a_designer():
    product = generation_chain(1)[0]
    with pytest.raises(ValidationError):
        evaluation_publish(
            author=designer(),
            product=product,
            title="Evaluating",
            body="Body",
            question="Q?",
            choices=["One"],
        )
    with pytest.raises(PermissionDenied):
        evaluation_publish(author=UserFactory(), product=product, title="Evaluating", body="Body")


def test_an_answer_must_belong_to_the_poll():
    choice = PollChoiceFactory()
    other = PollChoiceFactory()
    with pytest.raises(ValidationError):
        poll_answer(poll=choice.poll, choice=other, user=customer())


def test_marking_a_duplicate_merges_it_into_the_original(idea):
    # given a duplicate with voters and a follower, and the original it repeats
    post, _successor = idea
    original = PostFactory(product=post.product)
    voters = [customer(), customer()]
    for voter in voters:
        vote_cast(user=voter, post=post)
    vote_cast(user=voters[0], post=original)
    follower = customer()
    follow_add(user=follower, post=post)
    item = ReviewItemFactory(post=post)

    # when a designer marks it duplicate
    change = post_status_change(
        post=post,
        status="duplicate",
        message="Same idea as the original.",
        author=designer(),
        duplicate_of=original,
    )

    # then it is the moderators' merge: votes and followers moved, the duplicate locked
    post.refresh_from_db()
    original.refresh_from_db()
    assert (post.status, post.duplicate_of, post.is_locked) == ("duplicate", original, True)
    assert post.vote_count == 0 and not Vote.objects.filter(post=post).exists()
    assert original.vote_count == 2 == Vote.objects.filter(post=original).count()
    assert Follow.objects.filter(post=original, user=follower).exists()
    assert not Follow.objects.filter(post=post).exists()
    # one public record of the decision, with the designer's message
    assert list(StatusChange.objects.filter(post=post)) == [change]
    assert change.message == "Same idea as the original."
    item.refresh_from_db()
    assert (item.state, item.decision) == (ReviewItem.State.DECIDED, "duplicate")
    # the follower hears of the decision, the author once (of the merge)
    assert Notification.objects.filter(recipient=follower, kind="post.duplicate").exists()
    assert Notification.objects.filter(recipient=post.author).count() == 1


def test_a_duplicate_of_another_products_post_is_refused(idea):
    post, _successor = idea
    elsewhere = PostFactory()

    with pytest.raises(ValidationError) as error:
        post_status_change(
            post=post, status="duplicate", message="Dup", author=designer(), duplicate_of=elsewhere
        )

    assert error.value.message_dict["duplicate_of"] == ["Merge only posts of the same product."]
    post.refresh_from_db()
    assert (post.status, post.duplicate_of, post.is_locked) == ("open", None, False)
