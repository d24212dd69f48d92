"""The designers' weekly digest: the items of their products still waiting for a decision."""

import zlib
from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext

from cocreate.core.sql import advisory_lock
from cocreate.notifications.models import Notification
from cocreate.notifications.services import notification_send
from community.models import Post

from .models import JobState, ReviewItem
from .selectors import product_designers

DIGEST_JOB = "weekly_digest"
LOCK_KEY = zlib.crc32(b"designers.weekly_digest")
# A digest lists this many items; the title counts them all.
DIGEST_LINES = 20


def _digest_title_text(count: int) -> str:
    return ngettext(
        "Weekly digest: %(count)d item waits for a decision",
        "Weekly digest: %(count)d items wait for a decision",
        count,
    ) % {"count": count}


def _digest_body_text(new: int, lines: list[str]) -> str:
    return "\n".join([gettext("New this week: %(new)d.") % {"new": new}, *lines])


# Evaluated when notification_send renders them, in each recipient's language.
_digest_title = lazy(_digest_title_text, str)
_digest_body = lazy(_digest_body_text, str)


def week_of(moment) -> tuple[int, int]:
    """The ISO (year, week) of `moment` in the site's time zone (settings.TIME_ZONE), the one
    the beat schedule's Monday morning is in."""
    year, week, _day = timezone.localtime(moment, timezone.get_default_timezone()).isocalendar()
    return year, week


def _waiting():
    """Items still waiting for a decision whose post is shown (hidden and deleted left out)."""
    return ReviewItem.objects.exclude(state=ReviewItem.State.DECIDED).filter(
        Post.listed_via("post")
    )


def _designers_and_their_counts(recent) -> dict[int, tuple]:
    """Per designer: (user, product ids, waiting items, of which new since `recent`).

    Counted per product in the database, so memory grows with products and designers, never
    with the number of waiting items."""
    per_product = (
        _waiting()
        .order_by()
        .values("product_id")
        .annotate(total=Count("id"), new=Count("id", filter=Q(surfaced_at__gte=recent)))
    )
    by_designer: dict[int, tuple] = {}
    for row in per_product:
        for designer in product_designers(row["product_id"]):
            user, products, total, new = by_designer.get(designer.pk, (designer, [], 0, 0))
            products.append(row["product_id"])
            by_designer[designer.pk] = (user, products, total + row["total"], new + row["new"])
    return by_designer


def weekly_digest_send(*, now=None) -> int:
    """One digest per designer per ISO week, listing their products' waiting items, the post's
    current score first (the top DIGEST_LINES of them).

    Idempotent per week: the run records its week in JobState once every digest is out, and a
    later run the same week sends nothing. Runs take turns (an advisory lock), so runs started
    together send each digest once, and only the one that sent them counts them. A run that
    died half-way is finished by the next; the dedupe key (per designer and week) keeps that to
    one digest each, and e-mails only a digest the dead run left un-e-mailed. Returns the number
    of digests this run created."""
    with advisory_lock(LOCK_KEY):
        return _send(now=now or timezone.now())


def _send(*, now) -> int:
    year, week = week_of(now)
    # Read after taking the lock: what a run that went before recorded.
    state, _created = JobState.objects.get_or_create(name=DIGEST_JOB)
    if state.last_started_at and week_of(state.last_started_at) == (year, week):
        return 0
    by_designer = _designers_and_their_counts(now - timedelta(days=7))
    key = f"designers.digest:{year}-W{week:02d}"
    already = set(
        Notification.objects.filter(dedupe_key=key, recipient_id__in=by_designer).values_list(
            "recipient_id", flat=True
        )
    )
    sent = 0
    for user, products, total, new in by_designer.values():
        top = (
            _waiting()
            .filter(product_id__in=products)
            .select_related("post", "product")
            .order_by("-post__trending_score", "-id")[:DIGEST_LINES]
        )
        lines = [
            f"- {item.post.title} ({item.product.name}, {round(item.current_points(now=now), 1):g})"
            for item in top
        ]
        sent += user.pk not in already
        notification_send(
            recipients=[user],
            kind="designers.digest",
            title=_digest_title(total),
            body=_digest_body(new, lines),
            url=reverse("designers:queue"),
            dedupe_key=key,
        )
    state.last_started_at = now
    state.last_finished_at = timezone.now()
    state.save(update_fields=["last_started_at", "last_finished_at"])
    return sent
