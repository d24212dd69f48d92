"""The designers' weekly digest: a briefing on their products' review queue.

Each designer reads, in their language, number format and time zone: what surfaced this week
and why, which ideas crossed a supporters milestone this week, and the decisions due (the items
assigned to them, then those waiting longest). Every list is bounded; the counts are computed
per product in the database."""

import zlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext, pgettext

from cocreate.core.dates import exact
from cocreate.core.sql import advisory_lock
from cocreate.notifications.models import Notification
from cocreate.notifications.services import notification_send
from community.models import Post
from products.models import Product

from .models import JobState, ReviewItem
from .reasons import number
from .selectors import product_designers

DIGEST_JOB = "weekly_digest"
LOCK_KEY = zlib.crc32(b"designers.weekly_digest")
# Lines per section; the section's title counts them all.
NEW_LINES = 10
MILESTONE_LINES = 10
ASSIGNED_LINES = 5
OLDEST_LINES = 5
# Kept for callers that knew the digest as one list.
DIGEST_LINES = NEW_LINES


def _digest_title_text(count: int) -> str:
    return ngettext(
        "Weekly digest: %(count)s item waits for a decision",
        "Weekly digest: %(count)s items wait for a decision",
        count,
    ) % {"count": number(count)}


@dataclass
class Briefing:
    """What one designer's digest says; rendered in their language when it is sent."""

    now: object
    products: list[str]
    waiting: int = 0
    new: int = 0
    milestones: int = 0
    assigned: int = 0
    new_items: list[ReviewItem] = field(default_factory=list)
    milestone_items: list[ReviewItem] = field(default_factory=list)
    assigned_items: list[ReviewItem] = field(default_factory=list)
    oldest_items: list[ReviewItem] = field(default_factory=list)


def _separator() -> str:
    return pgettext("between the parts of a digest line", " · ")


def _days_waiting(item: ReviewItem, now) -> str:
    days = max(0, (now - item.surfaced_at).days)
    return ngettext("waiting %(days)s day", "waiting %(days)s days", days) % {"days": number(days)}


def _support(item: ReviewItem) -> str:
    return gettext("support %(support)s") % {"support": number(item.support)}


def _line(*parts: str) -> str:
    return "- " + _separator().join(part for part in parts if part)


def _more(shown: int, total: int) -> list[str]:
    if total <= shown:
        return []
    rest = total - shown
    return [
        ngettext("… and %(n)s more in the queue", "… and %(n)s more in the queue", rest)
        % {"n": number(rest)}
    ]


def _briefing_text(briefing: Briefing) -> str:
    """The digest's body in the active language, number format and time zone."""
    now = briefing.now
    separator = pgettext("between the items of a list", ", ")
    week = exact(now, "date")
    lines = [
        gettext("Your review queue, week of %(day)s: %(products)s.")
        % {"day": week, "products": separator.join(briefing.products)},
        "",
        gettext("New this week: %(n)s") % {"n": number(briefing.new)},
    ]
    if briefing.new_items:
        for item in briefing.new_items:
            lines.append(_line(item.post.title, item.product.name, _support(item)))
            why = pgettext("between the sentences of a list", "; ").join(
                sentence for _code, sentence in item.why()
            )
            lines.append("  " + gettext("Why: %(why)s") % {"why": why})
        lines += _more(len(briefing.new_items), briefing.new)
    else:
        lines.append(gettext("Nothing new surfaced this week."))
    lines += [
        "",
        gettext("Milestones crossed this week: %(n)s") % {"n": number(briefing.milestones)},
    ]
    if briefing.milestone_items:
        for item in briefing.milestone_items:
            reached = ngettext(
                "reached %(milestone)s supporter on %(day)s",
                "reached %(milestone)s supporters on %(day)s",
                item.milestone,
            ) % {
                "milestone": number(item.milestone),
                "day": exact(item.milestone_at, "day"),
            }
            lines.append(_line(item.post.title, item.product.name, reached))
        lines += _more(len(briefing.milestone_items), briefing.milestones)
    else:
        lines.append(gettext("No idea crossed a milestone this week."))
    lines += [
        "",
        gettext("Decisions due: %(n)s waiting") % {"n": number(briefing.waiting)},
    ]
    if briefing.assigned_items:
        lines.append(gettext("Assigned to you: %(n)s") % {"n": number(briefing.assigned)})
        for item in briefing.assigned_items:
            lines.append(
                _line(item.post.title, item.product.name, _days_waiting(item, now), _support(item))
            )
        lines += _more(len(briefing.assigned_items), briefing.assigned)
    if briefing.oldest_items:
        lines.append(gettext("Waiting longest:"))
        for item in briefing.oldest_items:
            lines.append(
                _line(item.post.title, item.product.name, _days_waiting(item, now), _support(item))
            )
    if not briefing.assigned_items and not briefing.oldest_items:
        lines.append(gettext("Nothing waits for a decision from before this week."))
    return "\n".join(lines)


# Evaluated when notification_send renders them, in each recipient's language and time zone.
_digest_title = lazy(_digest_title_text, str)
_digest_body = lazy(_briefing_text, str)


def week_of(moment) -> tuple[int, int]:
    """The ISO (year, week) of `moment` in the site's time zone (settings.TIME_ZONE), the one
    the beat schedule's Monday morning is in."""
    year, week, _day = timezone.localtime(moment, timezone.get_default_timezone()).isocalendar()
    return year, week


def _listed():
    return ReviewItem.objects.filter(Post.listed_via("post"))


def _waiting():
    """Items still waiting for a decision whose post is shown (hidden and deleted left out)."""
    return _listed().exclude(state=ReviewItem.State.DECIDED)


def _crossed_since(recent) -> Q:
    """A supporters milestone reached since `recent`, after the item surfaced (one reached by
    then is told in the item's reasons)."""
    return Q(milestone_at__gte=recent, milestone_at__gt=F("surfaced_at"))


def _designers_and_their_counts(recent) -> dict[int, tuple]:
    """Per designer: (user, product ids, waiting items, of which new since `recent`, milestones
    crossed since `recent`, waiting items assigned to them).

    Counted per product (and per assignee) in the database, so memory grows with products and
    designers, never with the number of items."""
    per_product = (
        _listed()
        .order_by()
        .values("product_id")
        .annotate(
            total=Count("id", filter=~Q(state=ReviewItem.State.DECIDED)),
            new=Count("id", filter=~Q(state=ReviewItem.State.DECIDED) & Q(surfaced_at__gte=recent)),
            milestones=Count("id", filter=_crossed_since(recent)),
        )
        .filter(Q(total__gt=0) | Q(milestones__gt=0))
    )
    by_designer: dict[int, list] = {}
    for row in per_product:
        for designer in product_designers(row["product_id"]):
            entry = by_designer.setdefault(designer.pk, [designer, [], 0, 0, 0, 0])
            entry[1].append(row["product_id"])
            entry[2] += row["total"]
            entry[3] += row["new"]
            entry[4] += row["milestones"]
    assigned = (
        _waiting()
        .filter(assignee__is_active=True)
        .order_by()
        .values("assignee_id")
        .annotate(n=Count("id"))
    )
    for row in assigned:
        if row["assignee_id"] in by_designer:
            by_designer[row["assignee_id"]][5] = row["n"]
    return {pk: tuple(entry) for pk, entry in by_designer.items()}


def _briefing(user, products, counts, *, now, recent, names) -> Briefing:
    total, new, milestones, assigned = counts
    waiting = _waiting().filter(product_id__in=products).select_related("post", "product")
    briefing = Briefing(
        now=now,
        products=sorted(names[pk] for pk in products),
        waiting=total,
        new=new,
        milestones=milestones,
        assigned=assigned,
    )
    briefing.new_items = list(
        waiting.filter(surfaced_at__gte=recent).order_by("-support", "-id")[:NEW_LINES]
    )
    briefing.milestone_items = list(
        _listed()
        .filter(_crossed_since(recent), product_id__in=products)
        .select_related("post", "product")
        .order_by("-milestone", "-milestone_at", "-id")[:MILESTONE_LINES]
    )
    if assigned:
        briefing.assigned_items = list(
            _waiting()
            .filter(assignee=user)
            .select_related("post", "product")
            .order_by("surfaced_at", "id")[:ASSIGNED_LINES]
        )
    briefing.oldest_items = list(
        waiting.filter(surfaced_at__lt=recent)
        .exclude(assignee=user)
        .order_by("surfaced_at", "id")[:OLDEST_LINES]
    )
    return briefing


def weekly_digest_send(*, now=None) -> int:
    """One digest per designer per ISO week: a briefing on their products' review queue (see
    the module docstring).

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
    recent = now - timedelta(days=7)
    by_designer = _designers_and_their_counts(recent)
    key = f"designers.digest:{year}-W{week:02d}"
    already = set(
        Notification.objects.filter(dedupe_key=key, recipient_id__in=by_designer).values_list(
            "recipient_id", flat=True
        )
    )
    product_ids = {pk for entry in by_designer.values() for pk in entry[1]}
    names = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "name"))
    sent = 0
    for user, products, *counts in by_designer.values():
        if user.pk in already:
            # Sent by a run that died later: notification_send only e-mails it if it was not.
            briefing = Briefing(now=now, products=[])
        else:
            briefing = _briefing(user, products, counts, now=now, recent=recent, names=names)
            sent += 1
        notification_send(
            recipients=[user],
            kind="designers.digest",
            title=_digest_title(counts[0]),
            body=_digest_body(briefing),
            url=reverse("designers:queue"),
            dedupe_key=key,
        )
    state.last_started_at = now
    state.last_finished_at = timezone.now()
    state.save(update_fields=["last_started_at", "last_finished_at"])
    return sent
