"""Comments, with the notifications they send: to the post's author, to its followers (official
answers) and to the people a comment mentions (`@username`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocreate.accounts.services import verified_email_check
from cocreate.core import clock
from cocreate.core.markup import mentions_in, render_markdown
from cocreate.notifications.services import notification_send

from ..models import Comment, Follow, Post
from ..permissions import comments_officially, may_see_post
from ._common import PostStateConflict, _Formatted, _lock_post, _refuse_interaction

COMMENT_MAX_LENGTH = Comment._meta.get_field("body").max_length
# A comment notifies at most this many of the people it mentions (the first ones): more is a
# broadcast, which the community has no use for. All of them are linked.
MENTIONS_NOTIFIED = 10


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write something first.")]})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"body": [_("A comment is limited to %(n)d characters.") % {"n": COMMENT_MAX_LENGTH}]}
        )
    return body


def mentioned_people(body: str) -> list:
    """The active people `body` mentions, in the order it first names them (one query)."""
    from cocreate.accounts.models import User

    names = mentions_in(body)
    if not names:
        return []
    found = {
        user.username: user for user in User.objects.filter(username__in=names, is_active=True)
    }
    return [found[name] for name in names if name in found]


def mention_links(usernames) -> dict[str, str]:
    """Username → their page, for the people who exist: registered with cocreate.core.markup
    (apps.py), so `manage.py rerender_markdown` keeps the links too."""
    from cocreate.accounts.models import User

    active = User.objects.filter(username__in=list(usernames), is_active=True)
    return {name: _profile_url(name) for name in active.values_list("username", flat=True)}


def _profile_url(username: str) -> str:
    return reverse("community:profile", args=[username])


def _render(body: str, people: list) -> str:
    return render_markdown(
        body, mentions={user.username: _profile_url(user.username) for user in people}
    )


@transaction.atomic
def comment_create(*, post: Post, author, body: str) -> Comment:
    """Comment on `post`; official when a team member writes it. The commenter follows the post.

    The people it mentions hear of it (those who may see the post); the post's author hears of
    every comment and followers of official ones, unless the mention told them already.
    """
    verified_email_check(author)
    body = _clean_body(body)
    post = _lock_post(post.pk)
    _refuse_interaction(post, what=_("comments"))
    people = mentioned_people(body)
    comment = Comment.objects.create(
        post=post,
        author=author,
        body=body,
        body_html=_render(body, people),
        is_official=comments_officially(author),
    )
    Post.objects.filter(pk=post.pk).update(
        comment_count=F("comment_count") + 1, last_activity_at=clock.now()
    )
    Follow.objects.get_or_create(user=author, post=post)
    told = _notify_mentions(post, comment, people)
    _notify_comment(post, comment, already_told=told)
    return comment


@transaction.atomic
def comment_update(*, comment: Comment, editor, body: str) -> Comment:
    """The author rewrites their comment, while the post takes comments and the comment shows.

    People mentioned for the first time hear of it; no one hears twice of the same comment
    (the mention's dedupe key is the comment's), and the post's author and followers are not
    told again."""
    if comment.author_id != editor.pk:
        raise PermissionDenied(_("Only its author can edit a comment."))
    body = _clean_body(body)
    post = _lock_post(comment.post_id)
    _refuse_interaction(post, what=_("comments"))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_hidden:
        raise PostStateConflict(_("A moderator hid this comment."), code="hidden")
    if body == comment.body:
        return comment
    people = mentioned_people(body)
    comment.body = body
    comment.body_html = _render(body, people)
    comment.edited_at = clock.now()
    comment.save(update_fields=["body", "body_html", "edited_at", "updated_at"])
    _notify_mentions(post, comment, people)
    return comment


def _comment_url(post: Post, comment: Comment) -> str:
    return f"{post.get_absolute_url()}#comment-{comment.pk}"


def _notify_mentions(post: Post, comment: Comment, people: list) -> set[int]:
    """Tell the people mentioned, who may see the post, once per comment; the others (a post
    they may not see, an inactive account) hear nothing, so nothing says the post exists.
    Returns who was told (or had been, for this comment)."""
    recipients = [
        user for user in people if user.pk != comment.author_id and may_see_post(user, post)
    ][:MENTIONS_NOTIFIED]
    if not recipients:
        return set()
    notification_send(
        recipients=recipients,
        kind="community.mention",
        title=_Formatted(
            gettext_lazy("%(name)s mentioned you on “%(title)s”"),
            {"name": comment.author.public_name, "title": post.title},
        ),
        body=_excerpt(comment.body),
        url=_comment_url(post, comment),
        dedupe_key=f"mention:{comment.pk}",
    )
    return {user.pk for user in recipients}


def _excerpt(text: str, length: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _notify_comment(post: Post, comment: Comment, *, already_told: set[int]) -> None:
    from cocreate.accounts.models import User

    name = comment.author.public_name
    if comment.is_official:
        recipients = User.objects.filter(community_follows__post=post, is_active=True)
        title = gettext_lazy("Official answer on “%(title)s”")
        kind = "post.official_comment"
    else:
        recipients = User.objects.filter(pk=post.author_id, is_active=True)
        title = gettext_lazy("New comment on “%(title)s”")
        kind = "post.comment"
    recipients = list(recipients.exclude(pk__in=[comment.author_id, *already_told]))
    if recipients:
        notification_send(
            recipients=recipients,
            kind=kind,
            title=_Formatted(title, {"title": post.title}),
            body=_Formatted(gettext_lazy("%(name)s wrote a comment."), {"name": name}),
            url=_comment_url(post, comment),
            dedupe_key=f"comment:{comment.pk}",
        )
