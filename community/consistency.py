"""Denormalised data of the communities, recomputed from the rows (`manage.py check_consistency`).

The search vector is not checked: it is a generated column, PostgreSQL keeps it.
"""

from cocreate.core.denormalised import Check

from .models import REPUTATION_POINTS, Comment, Flag, Post, ReputationEvent, Vote

POST = Post._meta.db_table


def _count_per_post(table: str, condition: str = "TRUE", *, times: int = 1) -> str:
    return f"""
        SELECT p.id, coalesce(n.n, 0) * {times} AS expected
        FROM {POST} p
        LEFT JOIN (SELECT post_id, count(*) AS n FROM {table} WHERE {condition}
                   GROUP BY post_id) n ON n.post_id = p.id
    """


# The ledger lines about a post's votes (received, withdrawn, merged in or away) held by its
# author add up to the points of the votes the post holds.
VOTE_KINDS = ", ".join(
    f"'{kind}'"
    for kind in (
        ReputationEvent.Kind.VOTE_RECEIVED,
        ReputationEvent.Kind.VOTE_WITHDRAWN,
        ReputationEvent.Kind.VOTES_MERGED_AWAY,
        ReputationEvent.Kind.VOTES_MERGED_IN,
    )
)
VOTE_POINTS = REPUTATION_POINTS[ReputationEvent.Kind.VOTE_RECEIVED]

CHECKS = [
    Check("community.Post", POST, "vote_count", _count_per_post(Vote._meta.db_table)),
    Check("community.Post", POST, "comment_count", _count_per_post(Comment._meta.db_table)),
    Check(
        "community.Post",
        POST,
        "flag_count",
        _count_per_post(Flag._meta.db_table, f"resolution = '{Flag.Resolution.OPEN}'"),
    ),
    Check(
        "community.Post",
        POST,
        "author's vote reputation",
        _count_per_post(Vote._meta.db_table, times=VOTE_POINTS),
        stored=f"""
            SELECT p.id, coalesce(r.points, 0) AS value
            FROM {POST} p
            LEFT JOIN (SELECT post_id, user_id, sum(points) AS points
                       FROM {ReputationEvent._meta.db_table}
                       WHERE kind IN ({VOTE_KINDS}) GROUP BY post_id, user_id) r
                   ON r.post_id = p.id AND r.user_id = p.author_id
        """,
    ),
]
