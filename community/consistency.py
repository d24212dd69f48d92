"""Denormalised data of the communities, recomputed from the rows (`manage.py check_consistency`).

The search vector is not checked: it is a generated column, PostgreSQL keeps it.
"""

from django.db import connection

from cocreate.accounts.models import User
from cocreate.core.denormalised import Check

from .models import REPUTATION_POINTS, Comment, Flag, Post, ReputationEvent, UserReputation, Vote

POST = Post._meta.db_table
TOTAL = UserReputation._meta.db_table


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


class ReputationTotalCheck(Check):
    """Each user's reputation total against the sum of their ledger; a user without a total
    counts as 0. Repaired by writing the ledger's sum into the differing totals."""

    @property
    def fixable(self) -> bool:
        return True

    def fix(self) -> int:
        expected, params = self._expected()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {TOTAL} (user_id, points)
                SELECT e.id, e.expected
                FROM ({expected}) e JOIN ({self.stored}) s ON s.id = e.id
                WHERE {self._differs()}
                ON CONFLICT (user_id) DO UPDATE SET points = EXCLUDED.points
                """,
                params,
            )
            return cursor.rowcount


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
    ReputationTotalCheck(
        "community.UserReputation",
        TOTAL,
        "points",
        f"""
            SELECT u.id, coalesce(l.points, 0) AS expected
            FROM {User._meta.db_table} u
            LEFT JOIN (SELECT user_id, sum(points) AS points
                       FROM {ReputationEvent._meta.db_table} GROUP BY user_id) l
                   ON l.user_id = u.id
        """,
        stored=f"""
            SELECT u.id, coalesce(t.points, 0) AS value
            FROM {User._meta.db_table} u LEFT JOIN {TOTAL} t ON t.user_id = u.id
        """,
    ),
]
