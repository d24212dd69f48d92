"""The support of a review item: how many people back the idea now, weighted, not decayed.

    support = (votes − votes of verified owners) · DESIGNERS_WEIGHT_VOTE
            + votes of verified owners · DESIGNERS_WEIGHT_VERIFIED_VOTE
            + commenters · DESIGNERS_WEIGHT_COMMENT
            + linked tickets · DESIGNERS_WEIGHT_LINKED_TICKET

The same weights as the trending score (docs/trending.md), without the post's own point and
without decay: an idea 27 people voted for last month is worth as much today. A commenter is a
member other than the post's author who wrote a visible, non-official comment, counted once
however much they wrote: discussion shows interest, not necessarily agreement, so it weighs half
a vote, and one talkative member counts once.

The counts and the support are stored on the item (the review queue sorts by an index on
`support`) and recomputed from the rows by `review_items_recount`: by the surfacing job for the
items of the posts it rescores (same transaction as the rescore) and for the items it creates.
`support_sql` is the set-based form the consistency check compares with.
"""

from django.db import connection

from community.models import Comment, Post, Vote
from products.models import Registration

from .conf import milestones
from .models import ReviewItem
from .scoring import Weights, _linked_ticket_table

ITEM = ReviewItem._meta.db_table


def support_sql(where: str = "TRUE", *, weights: Weights | None = None) -> tuple[str, dict]:
    """(sql, params) selecting, per review item matching `where` (`ri` is the item, `p` its
    post): id, votes, verified, commenters, tickets, support, milestone (the highest
    milestone its votes reach, 0 for none)."""
    weights = weights or Weights.from_settings()
    ticket = _linked_ticket_table()
    tickets_sql = "0"
    if ticket:
        table, post_col, _created = ticket
        tickets_sql = f"(SELECT count(*) FROM {table} t WHERE t.{post_col} = ri.post_id)"
    sql = f"""
        SELECT s.id, s.votes, s.verified, s.commenters, s.tickets,
            (s.votes - s.verified) * %(w_vote)s + s.verified * %(w_verified)s
                + s.commenters * %(w_comment)s + s.tickets * %(w_ticket)s AS support,
            coalesce((SELECT max(m) FROM unnest(%(milestones)s::int[]) AS m
                      WHERE m <= s.votes), 0) AS milestone
        FROM (
            SELECT ri.id,
                (SELECT count(*) FROM {Vote._meta.db_table} v WHERE v.post_id = ri.post_id)
                    AS votes,
                (SELECT count(*) FROM {Vote._meta.db_table} v
                 WHERE v.post_id = ri.post_id AND EXISTS (
                    SELECT 1 FROM {Registration._meta.db_table} r
                    WHERE r.customer_id = v.user_id AND r.product_id = p.product_id)) AS verified,
                (SELECT count(DISTINCT c.author_id) FROM {Comment._meta.db_table} c
                 WHERE c.post_id = ri.post_id AND NOT c.is_hidden AND NOT c.is_official
                   AND c.author_id <> p.author_id) AS commenters,
                {tickets_sql} AS tickets
            FROM {ITEM} ri JOIN {Post._meta.db_table} p ON p.id = ri.post_id
            WHERE {where}
        ) s
    """
    params = {
        "w_vote": weights.vote,
        "w_verified": weights.verified_vote,
        "w_comment": weights.comment,
        "w_ticket": weights.linked_ticket,
        "milestones": list(milestones()),
    }
    return sql, params


def review_items_recount(*, post_ids: list[int], now, weights: Weights | None = None) -> int:
    """Recount the support of the items of `post_ids` from their rows, in one statement.

    Idempotent: the counts depend only on the rows. The milestone only rises (a withdrawn
    vote does not undo a milestone reached); when it does, `milestone_at` records `now`.
    Returns the number of items updated."""
    if not post_ids:
        return 0
    counted, params = support_sql("ri.post_id = ANY(%(ids)s)", weights=weights)
    sql = f"""
        UPDATE {ITEM} ri SET
            vote_count = s.votes, verified_vote_count = s.verified,
            commenter_count = s.commenters, linked_ticket_count = s.tickets,
            support = s.support, support_updated_at = %(now)s,
            milestone = greatest(ri.milestone, s.milestone),
            milestone_at = CASE WHEN s.milestone > ri.milestone THEN %(now)s
                                ELSE ri.milestone_at END
        FROM ({counted}) s
        WHERE s.id = ri.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "ids": list(post_ids), "now": now})
        return cursor.rowcount
