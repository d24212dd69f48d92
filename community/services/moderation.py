"""Flags and moderation: report, hide, restore, lock, hide comments, merge duplicates."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocreate.core import clock
from cocreate.core.markup import render_markdown
from cocreate.core.pagecache import pages_changed
from cocreate.notifications.services import notification_send

from ..models import (
    REPUTATION_POINTS,
    Comment,
    Flag,
    Follow,
    Post,
    ReputationEvent,
    StatusChange,
    Vote,
)
from ..permissions import can_moderate, may_hide_post
from ._common import PostStateConflict, _Formatted, _lock_post
from .reputation import _reputation_add


@transaction.atomic
def flag_create(*, reporter, post: Post, reason: str, message: str = "") -> Flag:
    """Report `post`; at settings.COMMUNITY_FLAG_THRESHOLD open flags it hides until reviewed."""
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    message = (message or "").strip()
    max_length = Flag._meta.get_field("message").max_length
    if len(message) > max_length:
        raise ValidationError(
            {"message": [_("Keep the details under %(n)d characters.") % {"n": max_length}]}
        )
    post = _lock_post(post.pk)
    if post.is_deleted:
        raise ValidationError(_("This post was deleted."))
    if post.author_id == reporter.pk:
        raise ValidationError({"reason": [_("You cannot flag your own post.")]})
    try:
        with transaction.atomic():
            flag = Flag.objects.create(reporter=reporter, post=post, reason=reason, message=message)
    except IntegrityError:
        raise ValidationError(
            {"reason": [_("You have already flagged this post.")]}, code="already_flagged"
        ) from None
    flag_count = post.flag_count + 1
    changes = {"flag_count": flag_count}
    if flag_count >= settings.COMMUNITY_FLAG_THRESHOLD and not post.is_hidden:
        changes |= {"is_hidden": True, "hidden_reason": Post.HiddenReason.FLAGS}
        pages_changed()
    Post.objects.filter(pk=post.pk).update(**changes)
    return flag


def _require_moderator(moderator) -> None:
    if not can_moderate(moderator):
        raise PermissionDenied(_("Only moderators can do this."))


def _resolve_open_flags(post: Post, moderator, resolution: str) -> None:
    post.flags.filter(resolution=Flag.Resolution.OPEN).update(
        resolution=resolution, resolved_by=moderator, resolved_at=clock.now()
    )


@transaction.atomic
def post_hide(*, post: Post, moderator) -> None:
    """A moderator hides the post (open flags are upheld), unless a moderator already did
    (`may_hide_post`: the rule by which pages offer "Hide")."""
    _require_moderator(moderator)
    post = _lock_post(post.pk)
    if not may_hide_post(moderator, post):
        raise PostStateConflict(_("A moderator has already hidden this post."), code="hidden")
    _resolve_open_flags(post, moderator, Flag.Resolution.UPHELD)
    Post.objects.filter(pk=post.pk).update(
        is_hidden=True, hidden_reason=Post.HiddenReason.MODERATOR, flag_count=0
    )
    pages_changed()


@transaction.atomic
def post_restore(*, post: Post, moderator) -> None:
    """A moderator finds nothing wrong: open flags are dismissed and the post shows again."""
    _require_moderator(moderator)
    post = _lock_post(post.pk)
    _resolve_open_flags(post, moderator, Flag.Resolution.DISMISSED)
    Post.objects.filter(pk=post.pk).update(
        is_hidden=False, hidden_reason=Post.HiddenReason.NONE, flag_count=0
    )
    pages_changed()


@transaction.atomic
def post_lock(*, post: Post, moderator, locked: bool) -> None:
    """Lock (no more votes, comments or edits) or unlock a post."""
    _require_moderator(moderator)
    Post.objects.filter(pk=post.pk).update(is_locked=locked)


@transaction.atomic
def comment_hide(*, comment: Comment, moderator, hidden: bool) -> None:
    _require_moderator(moderator)
    Comment.objects.filter(pk=comment.pk).update(is_hidden=hidden)
    pages_changed()


@transaction.atomic
def post_merge(*, source: Post, target: Post, moderator, message: str = "") -> StatusChange:
    """Merge the duplicate `source` into `target`; returns the StatusChange it records.

    The one rule of duplicates: a moderator's merge and a designer marking a post duplicate
    (designers.services.post_status_change) both come here. The source becomes status
    "duplicate" of the target and is locked; its votes and followers move to the target, except
    those of people already there (nobody counts twice) and the target author's own vote (nobody
    votes for themselves). The ledger moves the votes' points from the source's author to the
    target's. Raises ValidationError (field "target") for a target of another product, a hidden,
    deleted or duplicate target, or the source itself.
    """
    _require_moderator(moderator)
    if source.pk == target.pk:
        raise ValidationError({"target": [_("A post cannot be merged into itself.")]})
    # Lock both rows in id order so two merges (or a merge and votes) cannot deadlock.
    locked = {
        p.pk: p
        for p in Post.objects.select_for_update()
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    if target.product_id != source.product_id:
        raise ValidationError({"target": [_("Merge only posts of the same product.")]})
    if not target.is_visible or target.status == Post.Status.DUPLICATE:
        raise ValidationError({"target": [_("Merge into a live post, not a duplicate.")]})
    if source.status == Post.Status.DUPLICATE:
        raise ValidationError(_("This post was already merged."))

    source_votes = list(Vote.objects.filter(post=source).values_list("user_id", flat=True))
    target_voters = set(Vote.objects.filter(post=target).values_list("user_id", flat=True))
    movable = [
        user_id
        for user_id in source_votes
        if user_id not in target_voters and user_id != target.author_id
    ]
    Vote.objects.filter(post=source, user_id__in=movable).update(post=target)
    Vote.objects.filter(post=source).delete()

    target_followers = set(Follow.objects.filter(post=target).values_list("user_id", flat=True))
    Follow.objects.filter(post=source).exclude(user_id__in=target_followers).update(post=target)
    Follow.objects.filter(post=source).delete()

    now = clock.now()
    Post.objects.filter(pk=target.pk).update(
        vote_count=F("vote_count") + len(movable), last_activity_at=now
    )
    Post.objects.filter(pk=source.pk).update(
        vote_count=0,
        status=Post.Status.DUPLICATE,
        duplicate_of=target,
        is_locked=True,
        last_activity_at=now,
    )
    vote_points = REPUTATION_POINTS[ReputationEvent.Kind.VOTE_RECEIVED]
    lines = [
        (source, ReputationEvent.Kind.VOTES_MERGED_AWAY, -vote_points * len(source_votes)),
        (target, ReputationEvent.Kind.VOTES_MERGED_IN, vote_points * len(movable)),
    ]
    # In the authors' id order: two merges changing the same two totals cannot deadlock.
    for post, kind, points in sorted(lines, key=lambda line: line[0].author_id):
        if points:
            _reputation_add(
                user_id=post.author_id,
                kind=kind,
                points=points,
                post_id=post.pk,
                actor_id=moderator.pk,
            )
    message = (message or "").strip()
    change = StatusChange.objects.create(
        post=source,
        old_status=source.status,
        new_status=Post.Status.DUPLICATE,
        message=message,
        message_html=render_markdown(message),
        author=moderator,
    )
    if source.author_id != moderator.pk:
        notification_send(
            recipients=[source.author],
            kind="post.merged",
            title=_Formatted(
                gettext_lazy("Your post “%(title)s” was merged into an earlier one"),
                {"title": source.title},
            ),
            body=_Formatted(
                gettext_lazy("Its votes now count for “%(target)s”."), {"target": target.title}
            ),
            url=target.get_absolute_url(),
            dedupe_key=f"post-merged:{source.pk}",
        )
    return change
