"""The trending score of a post (docs/trending.md has the formula and why).

Every event of a post — its creation, each vote, each visible comment, each linked service-desk
ticket — brings `weight` points that halve every `half_life`:

    points(t) = Σ weight_e · 2^(−(t − t_e) / half_life)

A vote of a verified owner (a `products.Registration` of the post's product) weighs more.
Since every post decays by the same factor, the stored score is the log of the points at a
fixed epoch:

    trending_score = log2(Σ weight_e · 2^((t_e − epoch) / half_life))
                   = log2(points(t)) + (t − epoch) / half_life     for any t

so ordering by `trending_score` is ordering by current points, a post's score only changes
when it has new activity (decay is implicit), and the current points are
`2^(trending_score − (now − epoch) / half_life)`.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone

from community.links import linked_tickets
from community.models import Comment, Post, Vote
from products.models import Registration

from .conf import setting

NO_SCORE = float("-inf")


@dataclass(frozen=True)
class Weights:
    post: float
    vote: float
    verified_vote: float
    comment: float
    linked_ticket: float
    half_life_seconds: float
    epoch: datetime

    @classmethod
    def from_settings(cls) -> "Weights":
        return cls(
            post=setting("DESIGNERS_WEIGHT_POST"),
            vote=setting("DESIGNERS_WEIGHT_VOTE"),
            verified_vote=setting("DESIGNERS_WEIGHT_VERIFIED_VOTE"),
            comment=setting("DESIGNERS_WEIGHT_COMMENT"),
            linked_ticket=setting("DESIGNERS_WEIGHT_LINKED_TICKET"),
            half_life_seconds=setting("DESIGNERS_SCORE_HALF_LIFE_HOURS") * 3600,
            epoch=setting("DESIGNERS_SCORE_EPOCH"),
        )

    def fingerprint(self) -> str:
        """The settings a stored score depends on, as text: scores stored under another
        fingerprint must all be recomputed (the surfacing job does it on its next run)."""
        return (
            f"half-life {self.half_life_seconds:g}s, epoch {self.epoch.isoformat()}, weights "
            f"{self.post:g}/{self.vote:g}/{self.verified_vote:g}/{self.comment:g}/"
            f"{self.linked_ticket:g}"
        )

    def age(self, when: datetime) -> float:
        """Half-lives from the epoch to `when`."""
        return (when - self.epoch).total_seconds() / self.half_life_seconds

    def sql_params(self) -> dict:
        """The weights as the scoring SQL names them (rescore_posts, consistency's twin)."""
        return {
            "epoch": self.epoch.timestamp(),
            "hl": self.half_life_seconds,
            "w_post": self.post,
            "w_vote": self.vote,
            "w_verified": self.verified_vote,
            "w_comment": self.comment,
            "w_ticket": self.linked_ticket,
        }


def stored_score(events: Iterable[tuple[datetime, float]], *, weights: Weights) -> float:
    """log2(Σ weight · 2^(age(t))) for (t, weight) events, computed without overflow."""
    terms = [(weights.age(when), weight) for when, weight in events if weight > 0]
    if not terms:
        return NO_SCORE
    top = max(age for age, _w in terms)
    return top + math.log2(sum(weight * 2 ** (age - top) for age, weight in terms))


def current_points(score: float, *, now: datetime, weights: Weights | None = None) -> float:
    """The decayed points a stored score is worth at `now`."""
    weights = weights or Weights.from_settings()
    if score == NO_SCORE:
        return 0.0
    return 2 ** (score - weights.age(now))


def score_for_points(points: float, *, now: datetime, weights: Weights | None = None) -> float:
    """The stored score worth `points` at `now` (to compare stored scores with a threshold)."""
    weights = weights or Weights.from_settings()
    return math.log2(points) + weights.age(now)


def _linked_ticket_table() -> tuple[str, str, str] | None:
    """(table, post column, created column) of the tickets linked to posts, or None when no app
    links them (the service desk registers them: community/links.py)."""
    links = linked_tickets()
    if links is None:
        return None
    return (
        links.model._meta.db_table,
        links.field.column,
        links.model._meta.get_field("created_at").column,
    )


def since_post_sql(col: str, post_created: str) -> str:
    """SQL for the half-lives from a post's creation to an event at `col`. Scores are summed
    relative to the post's own creation (an event is never years away from its post, so 2^x
    stays far from overflow), then shifted back to the epoch:
    log2(Σ w·2^(age_e)) = age_post + log2(Σ w·2^(age_e − age_post))."""
    return f"(extract(epoch from {col} - {post_created})::float8 / %(hl)s)"


def rescore_posts(post_ids: list[int], *, weights: Weights | None = None) -> int:
    """Recompute the stored score of `post_ids` from their rows in one statement.

    Idempotent: the result depends only on the rows, never on the previous score. Returns the
    number of posts updated.
    """
    if not post_ids:
        return 0
    weights = weights or Weights.from_settings()
    # In double precision, each event's exponent counted from the post's creation (see
    # since_post_sql): numeric power() and log() cost ~30 µs a vote, which made a full run over
    # a million votes take a minute.

    def decayed(col: str) -> str:
        return f"power(2::float8, {since_post_sql(col, 'p.created_at')})"

    ticket = _linked_ticket_table()
    ticket_sql = "0"
    if ticket:
        table, post_col, created_col = ticket
        ticket_sql = (
            f"(SELECT coalesce(sum({decayed('t.' + created_col)}), 0) "
            f"FROM {table} t WHERE t.{post_col} = p.id) * %(w_ticket)s"
        )
    sql = f"""
        UPDATE {Post._meta.db_table} p SET
            trending_score = (extract(epoch from p.created_at)::float8 - %(epoch)s) / %(hl)s
                + ln(%(w_post)s
                    + (SELECT coalesce(sum(
                            {decayed("v.created_at")}
                            * CASE WHEN EXISTS (
                                SELECT 1 FROM {Registration._meta.db_table} r
                                WHERE r.customer_id = v.user_id AND r.product_id = p.product_id
                              ) THEN %(w_verified)s ELSE %(w_vote)s END), 0)
                       FROM {Vote._meta.db_table} v WHERE v.post_id = p.id)
                    + (SELECT coalesce(sum({decayed("c.created_at")}), 0)
                            * %(w_comment)s
                       FROM {Comment._meta.db_table} c WHERE c.post_id = p.id AND NOT c.is_hidden)
                    + {ticket_sql}
                ) / ln(2::float8),
            score_updated_at = %(now)s
        WHERE p.id = ANY(%(ids)s)
    """
    params = {**weights.sql_params(), "ids": list(post_ids), "now": timezone.now()}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
