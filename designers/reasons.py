"""What a review item says about itself, in the reader's language and number format: why it
surfaced (each reason with the figures recorded then) and what its support is made of.

A reason is stored as a dict (`ReviewItem.reasons`): {"code": "threshold", "points": 31.2,
"threshold": 25}, {"code": "top_n", "rank": 2, "top_n": 5}, {"code": "milestone",
"milestone": 50, "votes": 53}. Items surfaced before the figures were recorded lack some of
them; their sentences say only what is known.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from cocreate.core.dates import exact

from .conf import setting


def number(value) -> str:
    """`value` in the active locale's format: whole numbers without decimals ("1,234" in
    English), others with one ("31.2")."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)
    return number_format(int(value), use_l10n=True, force_grouping=True)


def reason_code(reason) -> str:
    return reason.get("code", "") if isinstance(reason, dict) else str(reason)


def reason_text(reason, *, product: str) -> str:
    """One sentence: why the item surfaced, with the figures recorded then."""
    if not isinstance(reason, dict):
        reason = {"code": str(reason)}
    code = reason.get("code")
    if code == "threshold":
        points, threshold = reason.get("points"), reason.get("threshold")
        if points is not None and threshold is not None:
            return gettext(
                "%(points)s trending points when it surfaced, over the threshold of %(threshold)s"
            ) % {"points": number(float(points)), "threshold": number(threshold)}
        if points is not None:
            return gettext(
                "%(points)s trending points when it surfaced, over the threshold then"
            ) % {"points": number(float(points))}
        return gettext("Its trending points were over the threshold when it surfaced")
    if code == "top_n":
        rank, top_n = reason.get("rank"), reason.get("top_n")
        if rank and top_n:
            return gettext(
                "#%(rank)s of %(product)s's open ideas by trending points when it surfaced "
                "(the top %(top_n)s surface)"
            ) % {"rank": number(rank), "product": product, "top_n": number(top_n)}
        return gettext("Among %(product)s's top open ideas by trending points when it surfaced") % {
            "product": product
        }
    if code == "milestone":
        milestone, votes = reason.get("milestone"), reason.get("votes")
        if milestone and votes is not None and votes != milestone:
            return ngettext(
                "Reached %(milestone)s supporter (%(votes)s when it surfaced)",
                "Reached %(milestone)s supporters (%(votes)s when it surfaced)",
                milestone,
            ) % {"milestone": number(milestone), "votes": number(votes)}
        if milestone:
            return ngettext(
                "Reached %(milestone)s supporter", "Reached %(milestone)s supporters", milestone
            ) % {"milestone": number(milestone)}
        if votes is not None:
            return ngettext(
                "Reached a supporters milestone (%(votes)s supporter when it surfaced)",
                "Reached a supporters milestone (%(votes)s supporters when it surfaced)",
                votes,
            ) % {"votes": number(votes)}
        return gettext("Reached a supporters milestone")
    return code or ""


def milestone_text(milestone: int, *, since) -> str:
    """A milestone reached after surfacing: "Since reached 100 supporters (3 Dec 2026)"."""
    return ngettext(
        "Since reached %(milestone)s supporter (%(day)s)",
        "Since reached %(milestone)s supporters (%(day)s)",
        milestone,
    ) % {
        "milestone": number(milestone),
        "day": exact(since, "date"),
    }


def support_parts(item) -> list[tuple[str, str]]:
    """(what, its points) of an item's support: each count with its weight
    (docs/trending.md), in the order the queue shows them."""
    plain = max(0, item.vote_count - item.verified_vote_count)
    parts = [
        (
            ngettext("%(n)s vote", "%(n)s votes", plain),
            plain,
            setting("DESIGNERS_WEIGHT_VOTE"),
        ),
        (
            ngettext(
                "%(n)s vote of a verified owner",
                "%(n)s votes of verified owners",
                item.verified_vote_count,
            ),
            item.verified_vote_count,
            setting("DESIGNERS_WEIGHT_VERIFIED_VOTE"),
        ),
        (
            ngettext("%(n)s commenter", "%(n)s commenters", item.commenter_count),
            item.commenter_count,
            setting("DESIGNERS_WEIGHT_COMMENT"),
        ),
        (
            ngettext("%(n)s linked ticket", "%(n)s linked tickets", item.linked_ticket_count),
            item.linked_ticket_count,
            setting("DESIGNERS_WEIGHT_LINKED_TICKET"),
        ),
    ]
    return [
        (
            text % {"n": number(count)},
            gettext("× %(weight)s = %(points)s")
            % {"weight": number(float(weight)), "points": number(float(count * weight))},
        )
        for text, count, weight in parts
    ]
