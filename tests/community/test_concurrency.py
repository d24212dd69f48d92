"""Vote counts stay exact when votes race: real threads, real PostgreSQL transactions."""

import pytest

from community import services
from community.models import Post, ReputationEvent, Vote
from tests.concurrency import run_at_once
from tests.factories.accounts import customer
from tests.factories.community import PostFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def test_parallel_votes_from_many_users_are_all_counted(transactional_db):
    post = PostFactory()
    voters = [customer() for _ in range(24)]

    _, errors = run_at_once([lambda v=v: services.vote_cast(user=v, post=post) for v in voters])

    assert not errors
    post.refresh_from_db()
    assert post.vote_count == 24 == Vote.objects.filter(post=post).count()
    received = ReputationEvent.objects.filter(user=post.author, kind="vote_received").count()
    assert received == 24


def test_the_same_user_voting_in_parallel_counts_once(transactional_db):
    post = PostFactory()
    voter = customer()

    states, errors = run_at_once([lambda: services.vote_cast(user=voter, post=post)] * THREADS)

    assert not errors
    post.refresh_from_db()
    assert post.vote_count == 1 == Vote.objects.filter(post=post).count()
    assert {state.vote_count for state in states} == {1}
    assert ReputationEvent.objects.filter(user=post.author).count() == 1


def test_parallel_casts_and_withdrawals_leave_the_count_equal_to_the_rows(transactional_db):
    post = PostFactory()
    voters = [customer() for _ in range(12)]
    for voter in voters[:6]:
        services.vote_cast(user=voter, post=post)

    calls = [lambda v=v: services.vote_withdraw(user=v, post=post) for v in voters[:6]]
    calls += [lambda v=v: services.vote_cast(user=v, post=post) for v in voters[6:]]
    calls += [lambda v=v: services.vote_cast(user=v, post=post) for v in voters[6:]]
    _, errors = run_at_once(calls)

    assert not errors
    post.refresh_from_db()
    assert post.vote_count == 6 == Vote.objects.filter(post=post).count()
    assert Post.objects.get(pk=post.pk).vote_count == 6
