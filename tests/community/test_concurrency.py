"""Vote counts stay exact when votes race: real threads, real PostgreSQL transactions."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from community import services
from community.models import Post, ReputationEvent, Vote
from tests.factories.accounts import customer
from tests.factories.community import PostFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def _run_in_parallel(calls):
    """Start every call at the same moment (a barrier), each on its own connection."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            return call()
        finally:
            close_old_connections()
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_parallel_votes_from_many_users_are_all_counted(transactional_db):
    post = PostFactory()
    voters = [customer() for _ in range(24)]

    _run_in_parallel([lambda v=v: services.vote_cast(user=v, post=post) for v in voters])

    post.refresh_from_db()
    assert post.vote_count == 24 == Vote.objects.filter(post=post).count()
    received = ReputationEvent.objects.filter(user=post.author, kind="vote_received").count()
    assert received == 24


def test_the_same_user_voting_in_parallel_counts_once(transactional_db):
    post = PostFactory()
    voter = customer()

    states = _run_in_parallel([lambda: services.vote_cast(user=voter, post=post)] * THREADS)

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
    _run_in_parallel(calls)

    post.refresh_from_db()
    assert post.vote_count == 6 == Vote.objects.filter(post=post).count()
    assert Post.objects.get(pk=post.pk).vote_count == 6
