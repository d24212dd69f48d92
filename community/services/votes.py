"""Votes: cast, withdraw and toggle, counted on the locked post with the author's reputation."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from cocreate.accounts.services import verified_email_check
from cocreate.core import clock
from cocreate.core.sql import insert_once

from ..models import Follow, Post, ReputationEvent, Vote
from ._common import _lock_post, _refuse_interaction
from .reputation import _reputation_add


@dataclass(frozen=True)
class VoteState:
    vote_count: int
    voted: bool


@transaction.atomic
def vote_cast(*, user, post: Post) -> VoteState:
    """Vote for `post` (a second call changes nothing); the voter follows it. An account that
    has not confirmed its e-mail address may not vote (EmailNotVerified)."""
    verified_email_check(user)
    post = _lock_post(post.pk)
    _refuse_interaction(post, what=_("votes"))
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot vote for your own post."), code="own_post")
    now = clock.now()
    if not insert_once(Vote, user_id=user.pk, post_id=post.pk, created_at=now):
        return VoteState(vote_count=post.vote_count, voted=True)
    Post.objects.filter(pk=post.pk).update(vote_count=F("vote_count") + 1, last_activity_at=now)
    _reputation_add(
        user_id=post.author_id,
        kind=ReputationEvent.Kind.VOTE_RECEIVED,
        post_id=post.pk,
        actor_id=user.pk,
    )
    insert_once(Follow, user_id=user.pk, post_id=post.pk, created_at=now)
    return VoteState(vote_count=post.vote_count + 1, voted=True)


@transaction.atomic
def vote_withdraw(*, user, post: Post) -> VoteState:
    """Take back a vote (without one, nothing changes)."""
    post = _lock_post(post.pk)
    _refuse_interaction(post, what=_("votes"))
    deleted, _detail = Vote.objects.filter(user=user, post=post).delete()
    if not deleted:
        return VoteState(vote_count=post.vote_count, voted=False)
    Post.objects.filter(pk=post.pk).update(vote_count=F("vote_count") - 1)
    _reputation_add(
        user_id=post.author_id,
        kind=ReputationEvent.Kind.VOTE_WITHDRAWN,
        post_id=post.pk,
        actor_id=user.pk,
    )
    return VoteState(vote_count=post.vote_count - 1, voted=False)


def vote_toggle(*, user, post: Post, voted: bool) -> VoteState:
    """The page's vote button: `voted` is the state the user asks for."""
    return vote_cast(user=user, post=post) if voted else vote_withdraw(user=user, post=post)
