"""Every write of the communities that has a rule: one function each, in a transaction.

Counters on Post (vote_count, comment_count, flag_count) change only here, while the post's row
is locked (SELECT … FOR UPDATE), in the same transaction as the rows they count. Votes,
follows and flags are also unique in the database, so a double click or a retried request
can never count twice.

One module per section: posts, votes, comments, follows (of posts and of products' communities),
moderation (flags too) and reputation; what several share is in _common. Callers import from here, `services.post_create`.
"""

from ._common import PostStateConflict
from .comments import (
    COMMENT_MAX_LENGTH,
    MENTIONS_NOTIFIED,
    comment_create,
    comment_update,
    mention_links,
    mentioned_people,
)
from .follows import (
    follow_add,
    follow_remove,
    new_post_announce,
    product_follow_add,
    product_follow_remove,
    product_followers_notify,
)
from .moderation import comment_hide, flag_create, post_hide, post_lock, post_merge, post_restore
from .posts import (
    BODY_MAX_LENGTH,
    MAX_PARTS,
    MAX_QUANTITY,
    MAX_TAGS,
    TAG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    post_create,
    post_delete,
    post_delete_refusal,
    post_language,
    post_submit,
    post_update,
    post_validate,
)
from .reputation import reputation_record
from .votes import VoteState, vote_cast, vote_toggle, vote_withdraw

__all__ = [
    "BODY_MAX_LENGTH",
    "COMMENT_MAX_LENGTH",
    "MENTIONS_NOTIFIED",
    "MAX_PARTS",
    "MAX_QUANTITY",
    "MAX_TAGS",
    "TAG_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "TITLE_MIN_LENGTH",
    "PostStateConflict",
    "VoteState",
    "comment_create",
    "comment_hide",
    "comment_update",
    "flag_create",
    "mention_links",
    "mentioned_people",
    "follow_add",
    "follow_remove",
    "post_create",
    "post_delete",
    "post_delete_refusal",
    "post_hide",
    "post_language",
    "post_lock",
    "post_merge",
    "post_restore",
    "post_submit",
    "post_update",
    "post_validate",
    "product_follow_add",
    "product_follow_remove",
    "new_post_announce",
    "product_followers_notify",
    "reputation_record",
    "vote_cast",
    "vote_toggle",
    "vote_withdraw",
]
