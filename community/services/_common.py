"""What the sections share: the refusal of a post's state, its row lock, lazy notification text."""

from django.utils.translation import gettext as _

from cocreate.core.errors import StateConflict

from ..models import Post


class PostStateConflict(StateConflict):
    """The post's current state forbids the action (a vote or comment on a locked, hidden or
    deleted post, a decided post deleted): the API answers 409, pages show the message like
    any other refusal."""


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
    """The post, locked (SELECT … FOR UPDATE) until the transaction ends."""
    return Post.objects.select_for_update().get(pk=post_id)


class _Formatted:
    """A lazy translation with its parameters, translated when str() is called in the
    recipient's language (notification_send activates it)."""

    def __init__(self, message, params):
        self.message, self.params = message, params

    def __str__(self):
        return str(self.message) % self.params
