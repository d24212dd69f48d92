"""Votes: cast, withdraw and toggle, counted on the locked post with the author's reputation.

A vote is the hottest write: the post is read once, under its row lock (with whether the voter
confirmed their address, for a cast), then the vote row, the voter's follow and the post's count
change in one statement, then the author's ledger line and total in another
(reputation._reputation_add), last, so the author's total stays locked for the shortest time.
A caller may pass a post it has not read (Post(pk=…)): one the voter may not see is
Post.DoesNotExist, as if it were not there.
"""

import functools
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cocreate.accounts.selectors import has_verified_email_expression
from cocreate.accounts.services import verified_email_check
from cocreate.core import clock

from ..models import Follow, Post, ReputationEvent, Vote
from ..permissions import may_see_post
from ._common import _refuse_interaction
from .reputation import _reputation_add

POST, VOTE, FOLLOW = (model._meta.db_table for model in (Post, Vote, Follow))

# What a vote reads of the locked post: its state, author and count.
_VOTE_FIELDS = ("author", "vote_count", "is_deleted", "is_hidden", "is_locked")

# INSERT … ON CONFLICT DO NOTHING, as insert_once: a second vote of the same person adds
# nothing, and only a vote that went in adds the follow and counts (RETURNING the new count).
_CAST = f"""
    WITH vote AS (
        INSERT INTO {VOTE} (user_id, post_id, created_at)
        VALUES (%(user)s, %(post)s, %(now)s)
        ON CONFLICT DO NOTHING
        RETURNING post_id
    ), follow AS (
        INSERT INTO {FOLLOW} (user_id, post_id, created_at)
        SELECT %(user)s, post_id, %(now)s FROM vote
        ON CONFLICT DO NOTHING
    )
    UPDATE {POST} SET vote_count = vote_count + 1, last_activity_at = %(now)s
    FROM vote WHERE {POST}.id = vote.post_id
    RETURNING vote_count
"""

# Only a vote that was there counts down.
_WITHDRAW = f"""
    WITH vote AS (
        DELETE FROM {VOTE} WHERE user_id = %(user)s AND post_id = %(post)s
        RETURNING post_id
    )
    UPDATE {POST} SET vote_count = vote_count - 1
    FROM vote WHERE {POST}.id = vote.post_id
    RETURNING vote_count
"""


@dataclass(frozen=True)
class VoteState:
    vote_count: int
    voted: bool


# Compiling the locked read cost the ORM more CPU than PostgreSQL takes to run it: its SQL is
# compiled once per process, with stand-in ids that each vote swaps for its own.
_STAND_IN_VOTER, _STAND_IN_POST = -1, -2


@functools.cache
def _locked_read(address_check: bool) -> tuple[str, tuple]:
    """The SQL and parameters of the post's locked read (compiled in a transaction, as
    select_for_update wants)."""
    posts = Post.objects.select_for_update().only(*_VOTE_FIELDS).filter(pk=_STAND_IN_POST)
    if address_check:
        posts = posts.annotate(voter_verified=has_verified_email_expression(_STAND_IN_VOTER))
    sql, params = posts.order_by().query.sql_with_params()
    # Each stand-in must be a parameter of its own, or swapping it would change another value.
    if params.count(_STAND_IN_POST) != 1 or params.count(_STAND_IN_VOTER) != int(address_check):
        raise RuntimeError(f"The post's locked read has unexpected parameters: {params!r}")
    return sql, params


def _locked_for_vote(post_id: int, voter, *, address_check: bool = False) -> Post:
    """The post, locked, if `voter` may see it (else Post.DoesNotExist); with `address_check`,
    its `voter_verified` says whether the voter confirmed their address, read in the same
    statement."""
    sql, params = _locked_read(address_check)
    ids = {_STAND_IN_VOTER: voter.pk, _STAND_IN_POST: post_id}
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids.get(param, param) for param in params])
        row = cursor.fetchone()
        columns = [column.name for column in cursor.description]
    if row is None:
        raise Post.DoesNotExist
    values = dict(zip(columns, row, strict=True))
    voter_verified = values.pop("voter_verified", None)
    post = Post.from_db(connection.alias, list(values), list(values.values()))
    post.voter_verified = voter_verified
    if not may_see_post(voter, post):
        raise Post.DoesNotExist
    return post


def _counted(sql: str, **params) -> int | None:
    """The post's new count, or None when the statement changed nothing (a repeat)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


@transaction.atomic
def vote_cast(*, user, post: Post) -> VoteState:
    """Vote for `post` (a second call changes nothing); the voter follows it. An account that
    has not confirmed its e-mail address may not vote (EmailNotVerified)."""
    post = _locked_for_vote(post.pk, user, address_check=True)
    verified_email_check(user, verified=post.voter_verified)
    _refuse_interaction(post, what=_("votes"))
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot vote for your own post."), code="own_post")
    count = _counted(_CAST, user=user.pk, post=post.pk, now=clock.now())
    if count is None:
        return VoteState(vote_count=post.vote_count, voted=True)
    _reputation_add(
        user_id=post.author_id,
        kind=ReputationEvent.Kind.VOTE_RECEIVED,
        post_id=post.pk,
        actor_id=user.pk,
    )
    return VoteState(vote_count=count, voted=True)


@transaction.atomic
def vote_withdraw(*, user, post: Post) -> VoteState:
    """Take back a vote (without one, nothing changes)."""
    post = _locked_for_vote(post.pk, user)
    _refuse_interaction(post, what=_("votes"))
    count = _counted(_WITHDRAW, user=user.pk, post=post.pk)
    if count is None:
        return VoteState(vote_count=post.vote_count, voted=False)
    _reputation_add(
        user_id=post.author_id,
        kind=ReputationEvent.Kind.VOTE_WITHDRAWN,
        post_id=post.pk,
        actor_id=user.pk,
    )
    return VoteState(vote_count=count, voted=False)


def vote_toggle(*, user, post: Post, voted: bool) -> VoteState:
    """The page's vote button: `voted` is the state the user asks for."""
    return vote_cast(user=user, post=post) if voted else vote_withdraw(user=user, post=post)
