"""The community's parts of a page that signed-in readers share (cocreate/core/reader_parts.py):
a post's vote box, follow button and flag box, and a community's follow button, registered from
CommunityConfig.ready."""

from cocreate.core.reader_parts import ReaderVariant, register_reader_variant

from . import selectors
from .cards import vote_box


def _reader_pk(context) -> int | None:
    user = context["request"].user
    return user.pk if user.is_authenticated else None


def _vote_boxes(user, keys) -> list[str]:
    voted = selectors.voted_post_ids(user, [post_pk for post_pk, _author_pk in keys])
    return [
        "own" if author_pk == user.pk else "voted" if post_pk in voted else "vote"
        for post_pk, author_pk in keys
    ]


def _chooser(selector, yes: str, no: str):
    """Each part's variant by whether its post or product is among those `selector` gives."""

    def choose(user, keys) -> list[str]:
        chosen = selector(user, [pk for (pk,) in keys])
        return [yes if pk in chosen else no for (pk,) in keys]

    return choose


def register() -> None:
    register_reader_variant(
        "community.vote",
        ReaderVariant(
            template="community/_vote.html",
            variants={
                "vote": {"own": False, "voted": False},
                "voted": {"own": False, "voted": True},
                "own": {"own": True, "voted": False},
            },
            key=lambda post: (post.pk, post.author_id),
            current=lambda context, post: vote_box(post, _reader_pk(context)),
            choose=_vote_boxes,
        ),
    )
    register_reader_variant(
        "community.follow",
        ReaderVariant(
            template="community/_community_follow.html",
            variants={"following": {"following": True}, "not": {"following": False}},
            key=lambda product: (product.pk,),
            current=lambda context, product: "following" if context["follow"].following else "not",
            choose=_chooser(selectors.followed_product_ids, "following", "not"),
        ),
    )
    register_reader_variant(
        "community.post_follow",
        ReaderVariant(
            template="community/_post_follow.html",
            variants={"following": {"following": True}, "not": {"following": False}},
            key=lambda post: (post.pk,),
            current=lambda context, post: "following" if context["state"].following else "not",
            choose=_chooser(selectors.followed_post_ids, "following", "not"),
        ),
    )
    register_reader_variant(
        "community.post_flag",
        ReaderVariant(
            template="community/_post_flag.html",
            variants={"flagged": {"flagged": True}, "not": {"flagged": False}},
            key=lambda post: (post.pk,),
            current=lambda context, post: "flagged" if context["state"].flagged else "not",
            choose=_chooser(selectors.flagged_post_ids, "flagged", "not"),
        ),
    )
