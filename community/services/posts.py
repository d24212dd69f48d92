"""Posts: the rules of their content, tags, builds and images; publish, edit and delete."""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cocreate.accounts.services import verified_email_check
from cocreate.core import clock
from cocreate.core.i18n import detect_language, supported_language
from cocreate.core.markup import render_markdown
from cocreate.core.pagecache import pages_changed
from cocreate.core.ratelimit import RateLimited

from ..images import check_image, prepare_image
from ..models import Follow, Post, PostImage, PostPart, Tag
from ..ratelimits import Action, community_rate_limit_hit
from ._common import PostStateConflict, _lock_post
from .follows import new_post_announce

TITLE_MIN_LENGTH = 5
TITLE_MAX_LENGTH = Post._meta.get_field("title").max_length
BODY_MAX_LENGTH = Post._meta.get_field("body").max_length
MAX_TAGS = 5
TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length
MAX_PARTS = 30
MAX_QUANTITY = 999


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
    """Publish a post in `product`'s community; the author follows it, and the product's
    followers hear of it (after commit, through a task).

    `parts` are (Part, quantity) pairs, only for a modification. Raises ValidationError with
    field errors (nothing saved) when the content breaks a rule.
    """
    verified_email_check(author)
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
    new_post_announce(post)
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
    verified_email_check(author)
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
    pages_changed()
