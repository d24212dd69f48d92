"""The designers' settings, each overridable in Django settings (names below, defaults here)."""

from datetime import UTC, datetime

from django.conf import settings

_DEFAULTS = {
    # Trending score (docs/trending.md). The half-life, threshold, top N and milestones were
    # chosen by replaying scale data (`manage.py simulate_surfacing`; the table and the
    # reasoning are in docs/trending.md).
    "DESIGNERS_SCORE_HALF_LIFE_HOURS": 168.0,
    "DESIGNERS_SCORE_EPOCH": datetime(2025, 1, 1, tzinfo=UTC),
    "DESIGNERS_WEIGHT_POST": 1.0,
    "DESIGNERS_WEIGHT_VOTE": 1.0,
    "DESIGNERS_WEIGHT_VERIFIED_VOTE": 3.0,
    "DESIGNERS_WEIGHT_COMMENT": 0.5,
    "DESIGNERS_WEIGHT_LINKED_TICKET": 4.0,
    # Surfacing: a suggestion or modification enters the review queue when its current
    # (decayed) points reach the threshold, it is in its product's top N, or its supporters
    # (votes) reach the first milestone. Every later milestone a queued idea reaches is
    # recorded (the queue and the weekly digest say so).
    "DESIGNERS_SURFACE_THRESHOLD": 25.0,
    "DESIGNERS_SURFACE_TOP_N": 3,
    "DESIGNERS_SURFACE_MILESTONES": (50, 100, 250, 500, 1000),
    # Activity this long before the previous run's start is rescored again: a vote whose
    # transaction committed just after that run read the activity is not missed.
    "DESIGNERS_SURFACE_OVERLAP_SECONDS": 300,
    "DESIGNERS_RESCORE_BATCH": 2000,
}


def setting(name: str):
    return getattr(settings, name, _DEFAULTS[name])


def milestones() -> tuple[int, ...]:
    """The supporters milestones, ascending, without repeats or values below 1."""
    return tuple(sorted({int(m) for m in setting("DESIGNERS_SURFACE_MILESTONES") if int(m) >= 1}))
