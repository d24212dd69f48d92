"""The designers' weekly digest: the items of their products still waiting for a decision."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from cocreate.notifications.services import notification_send

from .models import ReviewItem
from .selectors import product_designers


def weekly_digest_send(*, now=None) -> int:
    """One digest per designer per ISO week (dedupe key), listing their products' open items.
    Returns the number of digests created."""
    now = now or timezone.now()
    year, week, _day = now.isocalendar()
    waiting = (
        ReviewItem.objects.exclude(state=ReviewItem.State.DECIDED)
        .select_related("post", "product")
        .order_by("-score")
    )
    by_designer: dict[int, tuple] = {}
    for item in waiting:
        for designer in _designers_cached(item.product_id):
            user, items = by_designer.setdefault(designer.pk, (designer, []))
            items.append(item)
    sent = 0
    recent = now - timedelta(days=7)
    for user, items in by_designer.values():
        new = sum(1 for item in items if item.surfaced_at >= recent)
        lines = [
            f"- {item.post.title} ({item.product.name}, {item.score:g})" for item in items[:20]
        ]
        sent += len(
            notification_send(
                recipients=[user],
                kind="designers.digest",
                title=ngettext_lazy(
                    "Weekly digest: %(count)d item waits for a decision",
                    "Weekly digest: %(count)d items wait for a decision",
                    "count",
                )
                % {"count": len(items)},
                body=str(_("New this week: %(new)d.") % {"new": new}) + "\n" + "\n".join(lines),
                url="/design/",
                dedupe_key=f"designers.digest:{year}-W{week:02d}",
            )
        )
    _designers_cached.cache.clear()
    return sent


def _designers_cached(product_id):
    cache = _designers_cached.cache
    if product_id not in cache:
        cache[product_id] = product_designers(product_id)
    return cache[product_id]


_designers_cached.cache = {}
