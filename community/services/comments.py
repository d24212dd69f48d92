"""Comments, with the notifications they send."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocreate.core import clock
from cocreate.core.markdown import render_markdown
from cocreate.notifications.services import notification_send

from ..models import Comment, Follow, Post
from ..permissions import comments_officially
from ._common import _Formatted, _lock_post, _refuse_interaction

COMMENT_MAX_LENGTH = Comment._meta.get_field("body").max_length


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

