"""Reputation: lines of the points ledger, for votes (votes.py), merges (moderation.py) and the
designers' milestones; each line adds its points to the user's total (UserReputation)."""

from django.db import connection

from cocreate.core import clock

from ..models import REPUTATION_POINTS, Post, ReputationEvent, UserReputation

# The ledger line and the total in one statement (the vote is the hottest write): the line goes
# in unless a milestone of the post is there already (reputation_once_per_milestone; a
# concurrent equal line waits for the other's commit, then adds nothing), and only a line that
# went in adds its points. The total is created on the user's first line; concurrent lines of
# one user take turns on its row, each adding to what the one before left.
_LINE_AND_TOTAL = f"""
    WITH line AS (
        INSERT INTO {ReputationEvent._meta.db_table}
            (user_id, kind, points, post_id, actor_id, created_at)
        VALUES (%s, %s, %s, %s, %s, %s)
        ON CONFLICT DO NOTHING
        RETURNING user_id, points
    )
    INSERT INTO {UserReputation._meta.db_table} AS total (user_id, points)
    SELECT user_id, points FROM line
    ON CONFLICT (user_id) DO UPDATE SET points = total.points + EXCLUDED.points
    RETURNING 1
"""


def _reputation_add(
    *,
    user_id: int,
    kind: str,
    post_id: int | None = None,
    actor_id: int | None = None,
    points: int | None = None,
) -> bool:
    """Write a ledger line worth `points` (by default REPUTATION_POINTS[kind]) and add them to
    the user's total, in the caller's transaction. False when a repeated milestone added
    nothing."""
    points = REPUTATION_POINTS[kind] if points is None else points
    with connection.cursor() as cursor:
        cursor.execute(_LINE_AND_TOTAL, [user_id, kind, points, post_id, actor_id, clock.now()])
        return cursor.fetchone() is not None


def reputation_record(*, user, kind: str, post: Post | None = None, actor=None) -> bool:
    """Add a ledger line worth REPUTATION_POINTS[kind] (for the designers' workflow: an idea
    planned or adopted). A milestone counts once per post: a repeat adds nothing, returns False."""
    if kind not in REPUTATION_POINTS:
        raise ValueError(f"{kind} has no points in REPUTATION_POINTS")
    return _reputation_add(
        user_id=user.pk,
        kind=kind,
        post_id=post.pk if post else None,
        actor_id=actor.pk if actor else None,
    )
