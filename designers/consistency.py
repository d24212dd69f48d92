"""The trending score and the review items' support, recomputed for every row at once
(`manage.py check_consistency`).

`expected_scores_sql` is the set-based twin of `scoring.rescore_posts` (the same sum, grouped
instead of correlated): the scale-data generator stores it, the check compares with it. Posts
whose score is pending (never scored, or activity since the last scoring) are not checked: the
surfacing job refreshes them on its next run. A review item's counts and support
(`support.support_sql`, the statement the job updates them with) are checked when its post's
score is current and the item was counted since the post's last activity (the job recounts
an item in the transaction that rescores its post).
"""

from cocreate.core.denormalised import Check
from community.models import Comment, Post, Vote
from products.models import Registration

from .models import ReviewItem
from .scoring import Weights, _linked_ticket_table, since_post_sql
from .support import support_sql

POST = Post._meta.db_table


def expected_scores_sql(where: str = "TRUE", *, weights: Weights | None = None):
    """(sql, params) selecting (id, expected) trending scores of the posts matching `where`.

    The same sum as rescore_posts (double precision, relative to each post's creation:
    scoring.since_post_sql), grouped in joins instead of correlated subqueries, so that it runs
    over a million votes in seconds."""
    weights = weights or Weights.from_settings()
    ticket = _linked_ticket_table()
    tickets_join, tickets_sum = "", "0"
    if ticket:
        table, post_col, created_col = ticket
        since = since_post_sql(f"t.{created_col}", "tp.created_at")
        tickets_join = f"""
            LEFT JOIN (SELECT t.{post_col} AS post_id, sum(power(2::float8, {since})) AS s
                       FROM {table} t JOIN {POST} tp ON tp.id = t.{post_col}
                       GROUP BY t.{post_col}) t ON t.post_id = p.id"""
        tickets_sum = "coalesce(t.s, 0) * %(w_ticket)s"
    vote_since = since_post_sql("v.created_at", "vp.created_at")
    comment_since = since_post_sql("c.created_at", "cp.created_at")
    sql = f"""
        SELECT p.id,
            (extract(epoch from p.created_at)::float8 - %(epoch)s) / %(hl)s
            + ln(%(w_post)s + coalesce(v.s, 0) + coalesce(c.s, 0) * %(w_comment)s
                 + {tickets_sum}) / ln(2::float8) AS expected
        FROM {POST} p
        LEFT JOIN (
            SELECT v.post_id, sum(power(2::float8, {vote_since})
                * CASE WHEN r.customer_id IS NULL THEN %(w_vote)s ELSE %(w_verified)s END) AS s
            FROM {Vote._meta.db_table} v JOIN {POST} vp ON vp.id = v.post_id
            LEFT JOIN (SELECT DISTINCT customer_id, product_id
                       FROM {Registration._meta.db_table}) r
                   ON r.customer_id = v.user_id AND r.product_id = vp.product_id
            GROUP BY v.post_id) v ON v.post_id = p.id
        LEFT JOIN (
            SELECT c.post_id, sum(power(2::float8, {comment_since})) AS s
            FROM {Comment._meta.db_table} c JOIN {POST} cp ON cp.id = c.post_id
            WHERE NOT c.is_hidden GROUP BY c.post_id) c ON c.post_id = p.id
        {tickets_join}
        WHERE {where}
    """
    return sql, weights.sql_params()


def _scored_and_current() -> str:
    """Posts scored after their last activity (and after their linked tickets' updates)."""
    condition = "p.score_updated_at IS NOT NULL AND p.score_updated_at >= p.last_activity_at"
    ticket = _linked_ticket_table()
    if ticket:
        table, post_col, _created = ticket
        condition += f"""
            AND NOT EXISTS (SELECT 1 FROM {table} lt
                            WHERE lt.{post_col} = p.id AND lt.updated_at > p.score_updated_at)"""
    return condition


def _counted_and_current() -> str:
    return (
        "ri.support_updated_at IS NOT NULL AND ri.support_updated_at >= p.last_activity_at AND "
        + _scored_and_current()
    )


def _item_expected(column: str):
    def expected():
        sql, params = support_sql(_counted_and_current())
        return f"SELECT id, {column} AS expected FROM ({sql}) counted", params

    return expected


ITEM_FIELDS = {
    "vote_count": "votes",
    "verified_vote_count": "verified",
    "commenter_count": "commenters",
    "linked_ticket_count": "tickets",
    "support": "support",
}

CHECKS = [
    Check(
        "community.Post",
        POST,
        "trending_score",
        lambda: expected_scores_sql(_scored_and_current()),
        tolerance=1e-9,
    ),
]
CHECKS += [
    Check(
        "designers.ReviewItem",
        ReviewItem._meta.db_table,
        field,
        _item_expected(column),
        tolerance=1e-9 if field == "support" else 0.0,
    )
    for field, column in ITEM_FIELDS.items()
]
