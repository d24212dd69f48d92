"""Follows: of a post (its news) and of a product's community (its new posts), and the
notification of a new post to the product's followers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocreate.notifications.services import notification_send
from cocreate.outbox.services import outbox_enqueue

from ..models import Follow, Post, ProductFollow
from ._common import _Formatted

# A new post's followers are notified this many at a time, each batch its own transaction.
NEW_POST_BATCH = 500


def follow_add(*, user, post: Post) -> bool:
    """Follow `post`; True if the user did not follow it yet."""
    if not post.is_visible:
        raise ValidationError(_("This post cannot be followed."))
    _follow, created = Follow.objects.get_or_create(user=user, post=post)
    return created


def follow_remove(*, user, post: Post) -> bool:
    deleted, _detail = Follow.objects.filter(user=user, post=post).delete()
    return bool(deleted)


def product_follow_add(*, user, product) -> bool:
    """Follow `product`'s community (its new posts); True if the user did not follow it yet.
    Every product's community is public; the caller answers 404 for a product that is not."""
    _follow, created = ProductFollow.objects.get_or_create(user=user, product=product)
    return created


def product_follow_remove(*, user, product) -> bool:
    deleted, _detail = ProductFollow.objects.filter(user=user, product=product).delete()
    return bool(deleted)


def new_post_announce(post: Post) -> None:
    """In the new post's transaction (post_create, a designers' evaluation): have the product's
    followers told, after commit, by a task (a product may have thousands of them: not in the
    author's request)."""
    followers = ProductFollow.objects.filter(product_id=post.product_id).exclude(
        user_id=post.author_id
    )
    if followers.exists():
        from ..tasks import notify_product_followers

        outbox_enqueue(notify_product_followers, post.pk)


def product_followers_notify(*, post_id: int) -> int:
    """Tell the followers of the post's product about it (kind `community.new_post`), once each
    (a dedupe key per post), batch after batch. A post hidden or deleted since is told to no
    one. Returns the number of notifications written or still to e-mail."""
    from cocreate.accounts.models import User

    post = Post.objects.listed().select_related("product", "author").filter(pk=post_id).first()
    if post is None:
        return 0
    followers = (
        User.objects.filter(community_product_follows__product_id=post.product_id, is_active=True)
        .exclude(pk=post.author_id)
        .order_by("pk")
    )
    title = _Formatted(
        gettext_lazy("New in %(product)s: %(title)s"),
        {"product": post.product.name, "title": post.title},
    )
    body = _Formatted(gettext_lazy("%(name)s wrote a new post."), {"name": post.author.public_name})
    notified, after = 0, 0
    while batch := list(followers.filter(pk__gt=after)[:NEW_POST_BATCH]):
        with transaction.atomic():
            notified += len(
                notification_send(
                    recipients=batch,
                    kind="community.new_post",
                    title=title,
                    body=body,
                    url=post.get_absolute_url(),
                    dedupe_key=f"community.new_post:{post.pk}",
                )
            )
        after = batch[-1].pk
    return notified
