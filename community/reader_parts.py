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


def _yes_or_no(template: str, flag: str, state: str, selector) -> ReaderVariant:
    """A part shown one way or the other by whether the reader has done something to the post or
    product it is about (followed, flagged): the template reads the variable `flag`, the page
    not being cached has it in `context[state]`, and `selector(user, pks)` gives the pks for
    which it is true, for all of a page's parts at once."""

    def choose(user, keys) -> list[str]:
        chosen = selector(user, [pk for (pk,) in keys])
        return ["yes" if pk in chosen else "no" for (pk,) in keys]

    return ReaderVariant(
        template=template,
        variants={"yes": {flag: True}, "no": {flag: False}},
        key=lambda obj: (obj.pk,),
        current=lambda context, obj: "yes" if getattr(context[state], flag) else "no",
        choose=choose,
    )


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
        _yes_or_no(
            "community/_community_follow.html",
            "following",
            "follow",
            selectors.followed_product_ids,
        ),
    )
    register_reader_variant(
        "community.post_follow",
        _yes_or_no(
            "community/_post_follow.html", "following", "state", selectors.followed_post_ids
        ),
    )
    register_reader_variant(
        "community.post_flag",
        _yes_or_no("community/_post_flag.html", "flagged", "state", selectors.flagged_post_ids),
    )
