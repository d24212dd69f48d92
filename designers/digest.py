"""The designers' weekly digest: the items of their products still waiting for a decision."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext

from cocreate.notifications.models import Notification
from cocreate.notifications.services import notification_send

from .models import ReviewItem
from .selectors import product_designers


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
    designers_of: dict[int, list] = {}
    for item in waiting:
        if item.product_id not in designers_of:
            designers_of[item.product_id] = product_designers(item.product_id)
        for designer in designers_of[item.product_id]:
            user, items = by_designer.setdefault(designer.pk, (designer, []))
            items.append(item)
    key = f"designers.digest:{year}-W{week:02d}"
    # Already sent this week (sending again only re-e-mails one an interrupted run left).
    already = set(
        Notification.objects.filter(dedupe_key=key, recipient_id__in=by_designer).values_list(
            "recipient_id", flat=True
        )
    )
    sent = 0
    recent = now - timedelta(days=7)
    for user, items in by_designer.values():
        new = sum(1 for item in items if item.surfaced_at >= recent)
        lines = [
            f"- {item.post.title} ({item.product.name}, {item.score:g})" for item in items[:20]
        ]
        sent += user.pk not in already
        notification_send(
            recipients=[user],
            kind="designers.digest",
            title=_digest_title(len(items)),
            body=_digest_body(new, lines),
            url=reverse("designers:queue"),
            dedupe_key=key,
        )
    return sent
