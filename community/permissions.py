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


def comments_officially(user) -> bool:
    """The team's comments are official answers (marked, and followers hear of them)."""
    return bool(user and user.is_authenticated and user.is_team_member)
