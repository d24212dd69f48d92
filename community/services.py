"""Every write of the communities that has a rule: one function each, in a transaction.

Counters on Post (vote_count, comment_count, flag_count) change only here, while the post's row
is locked (SELECT … FOR UPDATE), in the same transaction as the rows they count. Votes,
follows and flags are also unique in the database, so a double click or a retried request
can never count twice.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocreate.core import clock
from cocreate.core.errors import StateConflict
from cocreate.core.i18n import detect_language, supported_language
from cocreate.core.markdown import render_markdown
from cocreate.core.ratelimit import RateLimited
from cocreate.core.sql import insert_once
from cocreate.notifications.services import notification_send

from .images import check_image, prepare_image
from .models import (
    REPUTATION_POINTS,
    Comment,
    Flag,
    Follow,
    Post,
    PostImage,
    PostPart,
    ReputationEvent,
    StatusChange,
    Tag,
    Vote,
)
from .permissions import can_moderate, comments_officially, may_hide_post
from .ratelimits import Action, community_rate_limit_hit

TITLE_MIN_LENGTH = 5
TITLE_MAX_LENGTH = Post._meta.get_field("title").max_length
BODY_MAX_LENGTH = Post._meta.get_field("body").max_length
COMMENT_MAX_LENGTH = Comment._meta.get_field("body").max_length
MAX_TAGS = 5
TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length
MAX_PARTS = 30
MAX_QUANTITY = 999


class PostStateConflict(StateConflict):
    """The post's current state forbids the action (a vote or comment on a locked, hidden or
    deleted post, a decided post deleted): the API answers 409, pages show the message like
    any other refusal."""


@dataclass(frozen=True)
class VoteState:
    vote_count: int
    voted: bool


# --- Posts ---------------------------------------------------------------------------------------


def _clean_post_fields(*, kind, title, body, tag_names, parts, images=(), existing_images=0):
    """The rules a post's content follows, as field errors; returns (title, body, tags, parts)."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    body = (body or "").strip()
    if kind not in Post.MEMBER_KINDS:
        errors["kind"] = [_("Choose feedback, suggestion, modification or question.")]
    if not title:
        errors["title"] = [_("Give your post a title.")]
    elif len(title) < TITLE_MIN_LENGTH:
        errors["title"] = [
            _("The title needs at least %(n)d characters.") % {"n": TITLE_MIN_LENGTH}
        ]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [_("The title is limited to %(n)d characters.") % {"n": TITLE_MAX_LENGTH}]
    if not body:
        errors["body"] = [_("Say a few words about it.")]
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = [_("The text is limited to %(n)d characters.") % {"n": BODY_MAX_LENGTH}]

    tags, tag_errors = _normalise_tags(tag_names)
    if tag_errors:
        errors["tags"] = tag_errors

    part_errors = _check_parts(kind, parts)
    if part_errors:
        errors["parts"] = part_errors

    if existing_images + len(images) > settings.COMMUNITY_MAX_IMAGES_PER_POST:
        errors["images"] = [
            _("A post can carry at most %(n)d images.")
            % {"n": settings.COMMUNITY_MAX_IMAGES_PER_POST}
        ]
    else:
        image_errors = _check_images(images)
        if image_errors:
            errors["images"] = image_errors
    if errors:
        raise ValidationError(errors)
    return title, body, tags


def _normalise_tags(names: Iterable[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, slug) pairs, de-duplicated by slug, or the errors that stop them."""
    seen: dict[str, str] = {}
    errors = []
    for raw in names or ():
        name = " ".join(str(raw).split()).lower()
        if not name:
            continue
        slug = slugify(name)
        if not slug or len(name) > TAG_MAX_LENGTH:
            errors.append(
                _("“%(tag)s” is not a usable tag (letters, digits and dashes, up to %(n)d).")
                % {"tag": name[:60], "n": TAG_MAX_LENGTH}
            )
            continue
        seen.setdefault(slug, name)
    if len(seen) > MAX_TAGS:
        errors.append(_("Use at most %(n)d tags.") % {"n": MAX_TAGS})
    return [(name, slug) for slug, name in seen.items()], errors


def _check_parts(kind: str, parts: Sequence[tuple]) -> list[str]:
    if not parts:
        return []
    if kind != Post.Kind.MODIFICATION:
        return [_("Only a modification can list parts.")]
    errors = []
    if len(parts) > MAX_PARTS:
        errors.append(_("A build lists at most %(n)d parts.") % {"n": MAX_PARTS})
    part_ids = [part.pk for part, _quantity in parts]
    if len(set(part_ids)) != len(part_ids):
        errors.append(_("List each part once, with its quantity."))
    for part, quantity in parts:
        if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            errors.append(
                _("The quantity of %(part)s must be between 1 and %(max)d.")
                % {"part": part.name, "max": MAX_QUANTITY}
            )
    return errors


def _check_images(images) -> list[str]:
    """What is wrong with the uploads' sizes, types or dimensions, read from their headers."""
    errors = []
    for upload in images:
        try:
            check_image(upload)
        except ValidationError as error:
            errors.extend(error.messages)
    return errors


def _prepare_images(images) -> list:
    prepared, errors = [], []
    for upload in images:
        try:
            prepared.append(prepare_image(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"images": errors})
    return prepared


def _tags_for(pairs: list[tuple[str, str]]) -> list[Tag]:
    if not pairs:
        return []
    # Two posts may introduce the same new tag at once: insert-or-ignore, then read back.
    Tag.objects.bulk_create(
        [Tag(name=name, slug=slug) for name, slug in pairs], ignore_conflicts=True
    )
    return list(Tag.objects.filter(slug__in=[slug for _name, slug in pairs]))


def post_language(language: str, *, title: str, body: str) -> str:
    """The language the author chose or, when they left it to us, the one the text is in."""
    return supported_language(language) or detect_language(f"{title}\n{body}")


def _save_images(post: Post, prepared: list, *, start: int = 0) -> None:
    for position, content in enumerate(prepared, start=start):
        image = PostImage(post=post, position=position)
        image.image.save(content.name, content, save=False)
        image.save()


def post_validate(
    *,
    kind: str,
    title: str,
    body: str,
    tags: Iterable[str] = (),
    parts: Sequence[tuple] = (),
    images: Sequence = (),
) -> None:
    """Raise the ValidationError post_create would raise for this content; writes nothing.

    Pages and the API call it before counting a post against the rate limit, so a post counts
    once its content follows the rules, on both (community/ratelimits.py); an edit carrying
    images, before counting it against the image rate (cocreate/core/images.py). Images are
    checked from their headers here; only post_create and post_update decode them.
    """
    _clean_post_fields(
        kind=kind, title=title, body=body, tag_names=tags, parts=parts, images=images
    )


@transaction.atomic
def post_create(
    *,
    author,
    product,
    kind: str,
    title: str,
    body: str,
    tags: Iterable[str] = (),
    parts: Sequence[tuple] = (),
    images: Sequence = (),
    language: str = "",
) -> Post:
    """Publish a post in `product`'s community; the author follows it.

    `parts` are (Part, quantity) pairs, only for a modification. Raises ValidationError with
    field errors (nothing saved) when the content breaks a rule.
    """
    title, body, tag_pairs = _clean_post_fields(
        kind=kind, title=title, body=body, tag_names=tags, parts=parts, images=images
    )
    prepared = _prepare_images(images)
    post = Post.objects.create(
        product=product,
        author=author,
        kind=kind,
        title=title,
        body=body,
        body_html=render_markdown(body),
        language=post_language(language, title=title, body=body),
    )
    post.tags.set(_tags_for(tag_pairs))
    PostPart.objects.bulk_create(
        [PostPart(post=post, part=part, quantity=quantity) for part, quantity in parts]
    )
    _save_images(post, prepared)
    Follow.objects.create(user=author, post=post)
    return post


def post_submit(
    *,
    author,
    product,
    kind: str,
    title: str,
    body: str,
    tags: Iterable[str] = (),
    parts: Sequence[tuple] = (),
    images: Sequence = (),
    language: str = "",
) -> Post:
    """A member's new post, as pages and the API take it: the content is checked, then counted
    against the author's post rate (RateLimited past it), then published by post_create.

    Content refused as invalid costs nothing (community/ratelimits.py). Nothing before
    post_create writes to the database, so its transaction is the only one needed.
    """
    post_validate(kind=kind, title=title, body=body, tags=tags, parts=parts, images=images)
    wait = community_rate_limit_hit(user=author, action=Action.POST)
    if wait is not None:
        raise RateLimited(wait)
    return post_create(
        author=author,
        product=product,
        kind=kind,
        title=title,
        body=body,
        tags=tags,
        parts=parts,
        images=images,
        language=language,
    )


@transaction.atomic
def post_update(
    *,
    post: Post,
    editor,
    kind: str,
    title: str,
    body: str,
    tags: Iterable[str] = (),
    parts: Sequence[tuple] = (),
    images: Sequence = (),
    remove_image_ids: Iterable[int] = (),
    language: str = "",
) -> Post:
    """The author rewrites their post: content, tags, build and images (votes stay)."""
    if editor.pk != post.author_id:
        raise PermissionDenied(_("Only the author can edit this post."))
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.is_deleted:
        raise ValidationError(_("This post was deleted."))
    if post.is_locked:
        raise ValidationError(_("This post is locked: it can no longer be edited."))
    kept_images = list(post.images.exclude(pk__in=list(remove_image_ids)))
    title, body, tag_pairs = _clean_post_fields(
        kind=kind,
        title=title,
        body=body,
        tag_names=tags,
        parts=parts,
        images=images,
        existing_images=len(kept_images),
    )
    prepared = _prepare_images(images)
    post.kind, post.title, post.body = kind, title, body
    post.body_html = render_markdown(body)
    post.language = post_language(language, title=title, body=body)
    post.edited_at = clock.now()
    post.save(
        update_fields=["kind", "title", "body", "body_html", "language", "edited_at", "updated_at"]
    )
    post.tags.set(_tags_for(tag_pairs))
    post.parts.all().delete()
    PostPart.objects.bulk_create(
        [PostPart(post=post, part=part, quantity=quantity) for part, quantity in parts]
    )
    for image in post.images.filter(pk__in=list(remove_image_ids)):
        image.image.delete(save=False)
        image.delete()
    _save_images(post, prepared, start=max((i.position for i in kept_images), default=-1) + 1)
    return post


def post_delete_refusal(post: Post) -> PostStateConflict | None:
    """Why the author may not delete `post` as it is, or None: pages ask before offering it."""
    if not post.is_decided:
        return None
    return PostStateConflict(
        _(
            "The designers have answered this post (%(status)s): it stays on the record and "
            "can no longer be deleted."
        )
        % {"status": post.get_status_display()},
        code="decided",
    )


@transaction.atomic
def post_delete(*, post: Post, actor) -> None:
    """Soft delete by the author: the post leaves every list, its votes and ledger lines stay.

    Raises PostStateConflict once the post is decided (`Post.DECIDED_STATUSES`): an adopted,
    planned, declined or merged post stays where the product page and the review queue show it.
    """
    if actor.pk != post.author_id:
        raise PermissionDenied(_("Only the author can delete this post."))
    # Locked, so a designer's decision made at the same moment is seen here, or waits for this.
    post = _lock_post(post.pk)
    refusal = post_delete_refusal(post)
    if refusal is not None:
        raise refusal
    Post.objects.alive().filter(pk=post.pk).update(is_deleted=True, deleted_at=clock.now())


# --- Votes ---------------------------------------------------------------------------------------


def _refuse_interaction(post: Post, *, what: str) -> None:
    if post.is_deleted:
        raise PostStateConflict(_("This post was deleted."), code="deleted")
    if post.is_hidden:
        raise PostStateConflict(_("This post is hidden while moderators review it."), code="hidden")
    if post.is_locked:
        raise PostStateConflict(
            _("This post is locked: it takes no more %(what)s.") % {"what": what}, code="locked"
        )


def _lock_post(post_id: int) -> Post:
    return Post.objects.select_for_update().get(pk=post_id)


@transaction.atomic
def vote_cast(*, user, post: Post) -> VoteState:
    """Vote for `post` (a second call changes nothing); the voter follows it."""
    post = _lock_post(post.pk)
    _refuse_interaction(post, what=_("votes"))
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot vote for your own post."), code="own_post")
    now = clock.now()
    if not insert_once(Vote, user_id=user.pk, post_id=post.pk, created_at=now):
        return VoteState(vote_count=post.vote_count, voted=True)
    Post.objects.filter(pk=post.pk).update(vote_count=F("vote_count") + 1, last_activity_at=now)
    _reputation_add(
        user_id=post.author_id, kind=ReputationEvent.Kind.VOTE_RECEIVED, post=post, actor=user
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
        user_id=post.author_id, kind=ReputationEvent.Kind.VOTE_WITHDRAWN, post=post, actor=user
    )
    return VoteState(vote_count=post.vote_count - 1, voted=False)


def vote_toggle(*, user, post: Post, voted: bool) -> VoteState:
    """The page's vote button: `voted` is the state the user asks for."""
    return vote_cast(user=user, post=post) if voted else vote_withdraw(user=user, post=post)


# --- Comments and follows ------------------------------------------------------------------------


@transaction.atomic
def comment_create(*, post: Post, author, body: str) -> Comment:
    """Comment on `post`; official when a team member writes it. The commenter follows the post.

    The post's author hears of every comment; followers hear of official ones.
    """
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write something first.")]})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"body": [_("A comment is limited to %(n)d characters.") % {"n": COMMENT_MAX_LENGTH}]}
        )
    post = _lock_post(post.pk)
    _refuse_interaction(post, what=_("comments"))
    comment = Comment.objects.create(
        post=post,
        author=author,
        body=body,
        body_html=render_markdown(body),
        is_official=comments_officially(author),
    )
    Post.objects.filter(pk=post.pk).update(
        comment_count=F("comment_count") + 1, last_activity_at=clock.now()
    )
    Follow.objects.get_or_create(user=author, post=post)
    _notify_comment(post, comment)
    return comment


def _notify_comment(post: Post, comment: Comment) -> None:
    from cocreate.accounts.models import User

    url = f"{post.get_absolute_url()}#comment-{comment.pk}"
    name = comment.author.public_name
    if comment.is_official:
        recipients = User.objects.filter(community_follows__post=post, is_active=True).exclude(
            pk=comment.author_id
        )
        title = gettext_lazy("Official answer on “%(title)s”")
        kind = "post.official_comment"
    else:
        recipients = User.objects.filter(pk=post.author_id, is_active=True).exclude(
            pk=comment.author_id
        )
        title = gettext_lazy("New comment on “%(title)s”")
        kind = "post.comment"
    recipients = list(recipients)
    if recipients:
        notification_send(
            recipients=recipients,
            kind=kind,
            title=_Formatted(title, {"title": post.title}),
            body=_Formatted(gettext_lazy("%(name)s wrote a comment."), {"name": name}),
            url=url,
            dedupe_key=f"comment:{comment.pk}",
        )


class _Formatted:
    """A lazy translation with its parameters, translated when str() is called in the
    recipient's language (notification_send activates it)."""

    def __init__(self, message, params):
        self.message, self.params = message, params

    def __str__(self):
        return str(self.message) % self.params


def follow_add(*, user, post: Post) -> bool:
    """Follow `post`; True if the user did not follow it yet."""
    if not post.is_visible:
        raise ValidationError(_("This post cannot be followed."))
    _follow, created = Follow.objects.get_or_create(user=user, post=post)
    return created


def follow_remove(*, user, post: Post) -> bool:
    deleted, _detail = Follow.objects.filter(user=user, post=post).delete()
    return bool(deleted)


# --- Flags and moderation ------------------------------------------------------------------------


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


@transaction.atomic
def post_restore(*, post: Post, moderator) -> None:
    """A moderator finds nothing wrong: open flags are dismissed and the post shows again."""
    _require_moderator(moderator)
    post = _lock_post(post.pk)
    _resolve_open_flags(post, moderator, Flag.Resolution.DISMISSED)
    Post.objects.filter(pk=post.pk).update(
        is_hidden=False, hidden_reason=Post.HiddenReason.NONE, flag_count=0
    )


@transaction.atomic
def post_lock(*, post: Post, moderator, locked: bool) -> None:
    """Lock (no more votes, comments or edits) or unlock a post."""
    _require_moderator(moderator)
    Post.objects.filter(pk=post.pk).update(is_locked=locked)


@transaction.atomic
def comment_hide(*, comment: Comment, moderator, hidden: bool) -> None:
    _require_moderator(moderator)
    Comment.objects.filter(pk=comment.pk).update(is_hidden=hidden)


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
    if source_votes:
        ReputationEvent.objects.create(
            user_id=source.author_id,
            kind=ReputationEvent.Kind.VOTES_MERGED_AWAY,
            points=-vote_points * len(source_votes),
            post=source,
            actor=moderator,
        )
    if movable:
        ReputationEvent.objects.create(
            user_id=target.author_id,
            kind=ReputationEvent.Kind.VOTES_MERGED_IN,
            points=vote_points * len(movable),
            post=target,
            actor=moderator,
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


# --- Reputation ----------------------------------------------------------------------------------


def _reputation_add(*, user_id: int, kind: str, post: Post | None = None, actor=None) -> None:
    ReputationEvent.objects.create(
        user_id=user_id, kind=kind, points=REPUTATION_POINTS[kind], post=post, actor=actor
    )


def reputation_record(*, user, kind: str, post: Post | None = None, actor=None) -> bool:
    """Add a ledger line worth REPUTATION_POINTS[kind] (for the designers' workflow: an idea
    planned or adopted). A milestone counts once per post: a repeat adds nothing, returns False."""
    if kind not in REPUTATION_POINTS:
        raise ValueError(f"{kind} has no points in REPUTATION_POINTS")
    try:
        with transaction.atomic():
            _reputation_add(user_id=user.pk, kind=kind, post=post, actor=actor)
    except IntegrityError:  # reputation_once_per_milestone
        return False
    return True
