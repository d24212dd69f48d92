"""The trending score: properties of the formula, and the SQL rescoring agreeing with it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from community.models import Post, Vote
from designers.scoring import (
    NO_SCORE,
    Weights,
    current_points,
    rescore_posts,
    score_for_points,
    stored_score,
)
from tests.factories.accounts import UserFactory
from tests.factories.community import CommentFactory, PostFactory
from tests.factories.products import RegistrationFactory
from tests.factories.service_desk import TicketFactory

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
W = Weights(
    post=1.0,
    vote=1.0,
    verified_vote=3.0,
    comment=0.5,
    linked_ticket=4.0,
    half_life_seconds=72 * 3600,
    epoch=datetime(2025, 1, 1, tzinfo=UTC),
)


def points(events, now=NOW):
    return current_points(stored_score(events, weights=W), now=now, weights=W)


def test_more_votes_rank_higher():
    created = NOW - timedelta(hours=10)
    few = [(created, W.post)] + [(NOW - timedelta(hours=1), W.vote)] * 3
    many = [(created, W.post)] + [(NOW - timedelta(hours=1), W.vote)] * 8
    assert stored_score(many, weights=W) > stored_score(few, weights=W)


def test_points_halve_every_half_life():
    events = [(NOW, 10.0)]
    assert points(events, now=NOW) == pytest.approx(10.0)
    assert points(events, now=NOW + timedelta(hours=72)) == pytest.approx(5.0)
    assert points(events, now=NOW + timedelta(hours=144)) == pytest.approx(2.5)


def test_older_votes_count_less_than_recent_ones():
    old = [(NOW - timedelta(days=10), W.vote)] * 10
    recent = [(NOW - timedelta(hours=2), W.vote)] * 3
    assert stored_score(recent, weights=W) > stored_score(old, weights=W)


def test_ranking_does_not_change_while_nothing_happens():
    a = stored_score([(NOW - timedelta(days=1), 5.0)], weights=W)
    b = stored_score([(NOW, 3.0)], weights=W)
    # Decay is implicit: the stored scores are compared, whatever "now" is.
    for later in (0, 24, 24 * 30):
        now = NOW + timedelta(hours=later)
        assert (current_points(a, now=now, weights=W) > current_points(b, now=now, weights=W)) == (
            a > b
        )


def test_threshold_converts_to_a_stored_score():
    score = stored_score([(NOW, 30.0)], weights=W)
    assert score >= score_for_points(25.0, now=NOW, weights=W)
    assert score < score_for_points(25.0, now=NOW + timedelta(hours=72), weights=W)


def test_empty_post_has_no_score():
    assert stored_score([], weights=W) == NO_SCORE
    assert current_points(NO_SCORE, now=NOW, weights=W) == 0.0


def _set_created(model, pk, when):
    model.objects.filter(pk=pk).update(created_at=when)


@pytest.mark.django_db
def test_sql_rescore_matches_the_formula():
    now = timezone.now()
    post = PostFactory()
    _set_created(Post, post.pk, now - timedelta(days=2))
    owner = UserFactory()
    RegistrationFactory(customer=owner, product=post.product)
    plain = UserFactory()
    v1 = Vote.objects.create(user=owner, post=post)
    v2 = Vote.objects.create(user=plain, post=post)
    _set_created(Vote, v1.pk, now - timedelta(hours=5))
    _set_created(Vote, v2.pk, now - timedelta(hours=30))
    comment = CommentFactory(post=post)
    _set_created(type(comment), comment.pk, now - timedelta(hours=3))
    CommentFactory(post=post, is_hidden=True)  # hidden comments do not count
    ticket = TicketFactory(product=post.product, linked_post=post)
    _set_created(type(ticket), ticket.pk, now - timedelta(hours=1))

    assert rescore_posts([post.pk], weights=W) == 1

    post.refresh_from_db()
    expected = stored_score(
        [
            (now - timedelta(days=2), W.post),
            (now - timedelta(hours=5), W.verified_vote),
            (now - timedelta(hours=30), W.vote),
            (now - timedelta(hours=3), W.comment),
            (now - timedelta(hours=1), W.linked_ticket),
        ],
        weights=W,
    )
    assert post.trending_score == pytest.approx(expected, abs=1e-9)
    assert post.score_updated_at is not None


@pytest.mark.django_db
def test_verified_owner_votes_weigh_more():
    post_owner_votes, post_plain_votes = PostFactory(), PostFactory()
    for _ in range(3):
        voter = UserFactory()
        RegistrationFactory(customer=voter, product=post_owner_votes.product)
        Vote.objects.create(user=voter, post=post_owner_votes)
        Vote.objects.create(user=UserFactory(), post=post_plain_votes)
    # Owning another product does not make a voter verified on this one.
    other_owner = UserFactory()
    RegistrationFactory(customer=other_owner, product=post_owner_votes.product)
    Vote.objects.create(user=other_owner, post=post_plain_votes)
    Vote.objects.create(user=UserFactory(), post=post_owner_votes)

    rescore_posts([post_owner_votes.pk, post_plain_votes.pk], weights=W)

    post_owner_votes.refresh_from_db()
    post_plain_votes.refresh_from_db()
    assert post_owner_votes.trending_score > post_plain_votes.trending_score


@pytest.mark.django_db
def test_linked_tickets_raise_the_score():
    with_tickets, without = PostFactory(), PostFactory()
    TicketFactory(product=with_tickets.product, linked_post=with_tickets)
    rescore_posts([with_tickets.pk, without.pk], weights=W)
    with_tickets.refresh_from_db()
    without.refresh_from_db()
    assert with_tickets.trending_score > without.trending_score


@pytest.mark.django_db
def test_rescoring_twice_gives_the_same_score():
    post = PostFactory()
    Vote.objects.create(user=UserFactory(), post=post)
    rescore_posts([post.pk], weights=W)
    first = Post.objects.get(pk=post.pk).trending_score
    rescore_posts([post.pk], weights=W)
    assert Post.objects.get(pk=post.pk).trending_score == first
