"""Who may do what in the communities: the manufacturer's team (agents, designers, staff)
moderates every community and speaks officially in it."""

from .models import Post


def can_moderate(user) -> bool:
    """Agents, designers and staff moderate every community."""
    return bool(user and user.is_authenticated and user.is_team_member)


def may_hide_post(user, post: Post) -> bool:
    """A moderator hides a post that shows, or one the community's flags hid (which upholds
    them); a post a moderator already hid stays as it is. Pages offer "Hide" by this rule and
    post_hide enforces it."""
    return can_moderate(user) and (
        not post.is_hidden or post.hidden_reason == Post.HiddenReason.FLAGS
    )


def may_see_post(user, post: Post) -> bool:
    """Whether `user` may open `post` (as selectors.visible_posts): an active account; a deleted
    post for no one; a hidden one for the moderators and its author only."""
    if user is None or not user.is_active or post.is_deleted:
        return False
    return not post.is_hidden or post.author_id == user.pk or can_moderate(user)


def comments_officially(user) -> bool:
    """The team's comments are official answers (marked, and followers hear of them)."""
    return bool(user and user.is_authenticated and user.is_team_member)
