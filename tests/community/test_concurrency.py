"""Vote counts stay exact when votes race: real threads, real PostgreSQL transactions."""

import pytest
from django.db.models import Sum

from community import services
from community.models import Post, ReputationEvent, UserReputation, Vote
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


def test_parallel_votes_for_one_authors_posts_leave_the_total_exact(transactional_db):
    author = customer()
    posts = [PostFactory(author=author) for _ in range(4)]
    voters = [customer() for _ in range(24)]
    # the author has no total yet: the first writers race to create it
    calls = [
        lambda v=v, i=i: services.vote_cast(user=v, post=posts[i % 4]) for i, v in enumerate(voters)
    ]
    calls += [lambda v=v: services.vote_cast(user=v, post=posts[0]) for v in voters[:8]]

    _, errors = run_at_once(calls)

    assert not errors
    votes = Vote.objects.filter(post__author=author).count()
    assert votes == 24 + 6  # voters 0, 4 already voted for post 0
    assert UserReputation.objects.get(user=author).points == 2 * votes == _ledger_sum(author)

    calls = [lambda v=v: services.vote_withdraw(user=v, post=posts[0]) for v in voters[:8]]
    calls += [lambda v=v: services.vote_cast(user=v, post=posts[1]) for v in voters[8:16]]
    _, errors = run_at_once(calls)

    assert not errors
    votes = Vote.objects.filter(post__author=author).count()
    assert UserReputation.objects.get(user=author).points == 2 * votes == _ledger_sum(author)


def test_a_milestone_recorded_in_parallel_counts_once_in_the_total(transactional_db):
    post = PostFactory()
    record = lambda: services.reputation_record(  # noqa: E731
        user=post.author, kind="idea_adopted", post=post
    )

    results, errors = run_at_once([record] * THREADS)

    assert not errors
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert UserReputation.objects.get(user=post.author).points == 50 == _ledger_sum(post.author)


def _ledger_sum(user) -> int:
    return ReputationEvent.objects.filter(user=user).aggregate(s=Sum("points"))["s"]
