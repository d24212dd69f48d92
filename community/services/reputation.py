"""Reputation: lines of the points ledger, for votes (votes.py) and the designers' milestones."""

from django.db import IntegrityError, transaction

from ..models import REPUTATION_POINTS, Post, ReputationEvent


def _reputation_add(*, user_id: int, kind: str, post: Post | None = None, actor=None) -> None:
    ReputationEvent.objects.create(
        user_id=user_id, kind=kind, points=REPUTATION_POINTS[kind], post=post, actor=actor
    )


def reputation_record(*, user, kind: str, post: Post | None = None, actor=None) -> bool:
    """Add a ledger line worth REPUTATION_POINTS[kind] (for the designers' workflow: an idea
    planned or adopted). A milestone counts once per post: a repeat adds nothing, returns False."""
    if kind not in REPUTATION_POINTS:
        raise ValueError(f"{kind} has no points in REPUTATION_POINTS")
    try:
        with transaction.atomic():
            _reputation_add(user_id=user.pk, kind=kind, post=post, actor=actor)
    except IntegrityError:  # reputation_once_per_milestone
        return False
    return True
