"""Community pages. Thin: they read through selectors, write through services.

One module per section: communities (index and feeds), posts, moderation, people and roadmaps; what
several share is in _common. urls.py names the views from here. The page sizes are the
sections' own (`communities.FEED_PAGE_SIZE`): set or patch them there.
"""

from .communities import index, line_detail, product_feed, product_follow, similar
from .moderation import comment_moderate, moderation, post_merge, post_moderate
from .people import following, profile
from .posts import (
    comment_edit,
    post_comment,
    post_delete,
    post_detail,
    post_edit,
    post_flag,
    post_follow,
    post_new,
    post_vote,
)
from .roadmap import roadmap_all, roadmap_product

__all__ = [
    "comment_edit",
    "comment_moderate",
    "following",
    "index",
    "line_detail",
    "moderation",
    "post_comment",
    "post_delete",
    "post_detail",
    "post_edit",
    "post_flag",
    "post_follow",
    "post_merge",
    "post_moderate",
    "post_new",
    "post_vote",
    "product_follow",
    "product_feed",
    "profile",
    "roadmap_all",
    "roadmap_product",
    "similar",
]
