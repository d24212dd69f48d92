"""The communities' part of a person's data (cocreate/accounts/personal_data.py).

Export: their posts (hidden and deleted ones too, marked), comments, votes and follows.
Deletion keeps posts, comments and votes, which then point at the anonymised account (shown as
"a former member"; votes stay counted); it removes what only served the person: follows."""

from django.conf import settings

from .models import Comment, Follow, Post, ProductFollow, Vote
from .selectors import followed_communities


def _link(post) -> str:
    return settings.SITE_URL + post.get_absolute_url()


def export(user) -> dict:
    posts = Post.objects.filter(author=user).select_related("product").order_by("created_at")
    comments = (
        Comment.objects.filter(author=user).select_related("post__product").order_by("created_at")
    )
    votes = Vote.objects.filter(user=user).select_related("post__product").order_by("created_at")
    return {
        "posts": [
            {
                "id": post.pk,
                "product": post.product.name,
                "kind": post.kind,
                "title": post.title,
                "body": post.body,
                "status": post.status,
                "votes": post.vote_count,
                "hidden_by_a_moderator": post.is_hidden,
                "deleted": post.is_deleted,
                "created_at": post.created_at,
                "link": _link(post),
            }
            for post in posts
        ],
        "comments": [
            {
                "post": comment.post.title,
                "body": comment.body,
                "hidden_by_a_moderator": comment.is_hidden,
                "created_at": comment.created_at,
                "link": _link(comment.post),
            }
            for comment in comments
        ],
        "votes": [
            {"post": vote.post.title, "created_at": vote.created_at, "link": _link(vote.post)}
            for vote in votes
        ],
        "followed_posts": list(Follow.objects.filter(user=user).values_list("post_id", flat=True)),
        "followed_communities": [follow.product.name for follow in followed_communities(user)],
    }


def erase(user) -> None:
    Follow.objects.filter(user=user).delete()
    ProductFollow.objects.filter(user=user).delete()
