"""The surfacing job: rescore posts with new activity, then queue and announce the popular ones.

Steps, each idempotent so a run killed anywhere is finished by the next one:
1. rescore the posts with activity since the previous complete run (minus an overlap), in
   batches, each its own transaction (a rescore depends only on the rows);
2. create a ReviewItem for every candidate over the threshold, in its product's top N, or past
   the supporters milestone (`post` is unique: a concurrent insert is ignored);
3. notify the designers of every item not yet marked notified (dedupe key per item, so a
   designer is never notified twice, even by two runs at once), then mark it;
4. advance the cursor (JobState) only once all of the above succeeded.

Only one run works at a time (a PostgreSQL advisory lock); a second run that starts meanwhile
returns at once.
"""

import zlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext, pgettext

from cocreate.core.sql import advisory_lock_tried
from cocreate.notifications.services import notification_send
from community.links import linked_tickets
from community.models import Post, Vote
from products.models import Product, Registration

from .conf import setting
from .models import JobState, ReviewItem
from .scoring import Weights, current_points, rescore_posts, score_for_points
from .selectors import product_designers

JOB_NAME = "surface_popular"
LOCK_KEY = zlib.crc32(b"designers.surface_popular")
SURFACED_KINDS = (Post.Kind.SUGGESTION, Post.Kind.MODIFICATION)


@dataclass
class RunResult:
    ran: bool
    rescored: int = 0
    surfaced: int = 0
    notified: int = 0
    item_ids: list[int] = field(default_factory=list)


def _active_post_ids(since) -> list[int]:
    posts = Post.objects.alive()
    active = Q(score_updated_at__isnull=True)
    if since is not None:
        active |= Q(last_activity_at__gte=since)
        links = linked_tickets()
        if links is not None:
            # Linking a ticket does not move the post's activity; the ticket's own update does.
            updated = links.model.objects.filter(
                **{links.field.name: OuterRef("pk"), "updated_at__gte": since}
            )
            active |= Q(Exists(updated))
    else:
        active = Q()
    return list(posts.filter(active).order_by().values_list("pk", flat=True))


def _rescore(since) -> list[int]:
    ids = _active_post_ids(since)
    batch = setting("DESIGNERS_RESCORE_BATCH")
    weights = Weights.from_settings()
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            rescore_posts(ids[start : start + batch], weights=weights)
    return ids


def _candidates():
    return Post.objects.listed().filter(
        kind__in=SURFACED_KINDS,
        status__in=[Post.Status.OPEN, Post.Status.UNDER_REVIEW],
        review_item__isnull=True,
    )


def _reasons_by_post(now, rescored: list[int] | None) -> dict[int, set[str]]:
    """Unsurfaced candidates and why each qualifies.

    Points only decay and votes only change with activity, so only the posts rescored in this
    run (`rescored`; None on a full run) can newly pass the threshold or the milestone. The top
    N can change without activity (a post above leaves the ranking), so it is read per product
    on the (product, -trending_score) index."""
    reasons: dict[int, set[str]] = {}
    candidates = _candidates()
    if rescored is not None:
        candidates = candidates.filter(pk__in=rescored)
    weights = Weights.from_settings()
    floor = score_for_points(setting("DESIGNERS_SURFACE_THRESHOLD"), now=now, weights=weights)
    for pk in candidates.filter(trending_score__gte=floor).values_list("pk", flat=True):
        reasons.setdefault(pk, set()).add(ReviewItem.Reason.THRESHOLD)
    milestone = setting("DESIGNERS_SURFACE_MILESTONE")
    for pk in candidates.filter(vote_count__gte=milestone).values_list("pk", flat=True):
        reasons.setdefault(pk, set()).add(ReviewItem.Reason.MILESTONE)
    top_n = setting("DESIGNERS_SURFACE_TOP_N")
    if top_n:
        ranked = Post.objects.listed().filter(
            kind__in=SURFACED_KINDS,
            status__in=[Post.Status.OPEN, Post.Status.UNDER_REVIEW],
            score_updated_at__isnull=False,
        )
        for product_id in Product.objects.order_by().values_list("pk", flat=True):
            top = ranked.filter(product_id=product_id).order_by("-trending_score", "-id")[:top_n]
            for pk, has_item in top.annotate(
                has_item=Exists(ReviewItem.objects.filter(post=OuterRef("pk")))
            ).values_list("pk", "has_item"):
                if not has_item:
                    reasons.setdefault(pk, set()).add(ReviewItem.Reason.TOP_N)
    return reasons


def _create_items(now, rescored: list[int] | None) -> list[int]:
    reasons = _reasons_by_post(now, rescored)
    if not reasons:
        return []
    verified = Registration.objects.filter(
        customer_id=OuterRef("user_id"), product_id=OuterRef("post__product_id")
    )
    verified_counts = dict(
        Vote.objects.filter(post_id__in=reasons)
        .filter(Exists(verified))
        .order_by()
        .values("post_id")
        .annotate(n=Count("id"))
        .values_list("post_id", "n")
    )
    posts = Post.objects.filter(pk__in=reasons).order_by()
    links = linked_tickets()
    if links is not None:
        posts = posts.annotate(tickets=Count(links.query_name))
    weights = Weights.from_settings()
    order = [ReviewItem.Reason.THRESHOLD, ReviewItem.Reason.TOP_N, ReviewItem.Reason.MILESTONE]
    rows = [
        ReviewItem(
            post_id=post.pk,
            product_id=post.product_id,
            score=round(current_points(post.trending_score, now=now, weights=weights), 3),
            vote_count=post.vote_count,
            verified_vote_count=verified_counts.get(post.pk, 0),
            linked_ticket_count=getattr(post, "tickets", 0),
            reasons=[str(r) for r in order if r in reasons[post.pk]],
        )
        for post in posts
    ]
    with transaction.atomic():
        ReviewItem.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        ReviewItem.objects.filter(post_id__in=reasons, surfaced_at__gte=now).values_list(
            "pk", flat=True
        )
    )


def _surfaced_title_text(title: str) -> str:
    return gettext("Surfaced for review: %(title)s") % {"title": title}


def _surfaced_body_text(item: ReviewItem) -> str:
    text = ngettext(
        "%(votes)d vote, %(verified)d of verified owners; %(reasons)s.",
        "%(votes)d votes, %(verified)d of verified owners; %(reasons)s.",
        item.vote_count,
    )
    separator = pgettext("between the items of a list", ", ")
    return text % {
        "votes": item.vote_count,
        "verified": item.verified_vote_count,
        "reasons": separator.join(item.reason_labels()),
    }


# Lazy: notification_send renders them in each designer's language.
_surfaced_title = lazy(_surfaced_title_text, str)
_surfaced_body = lazy(_surfaced_body_text, str)


def review_item_notify(*, item: ReviewItem) -> int:
    """Tell the product's designers about a new item, once: the dedupe key is per item, and
    the item is marked notified in the same transaction.

    An item whose post is hidden or deleted is not announced and stays unnotified: a post a
    moderator shows again is announced by the next run, a deleted one never."""
    with transaction.atomic():
        locked = ReviewItem.objects.select_for_update().select_related("post").get(pk=item.pk)
        if locked.notified_at:
            return 0
        post = locked.post
        if not post.is_visible:
            return 0
        sent = notification_send(
            recipients=product_designers(post.product_id),
            kind="designers.surfaced",
            title=_surfaced_title(post.title),
            body=_surfaced_body(locked),
            url=locked.get_absolute_url(),
            dedupe_key=f"designers.surfaced:{locked.pk}",
        )
        locked.notified_at = timezone.now()
        locked.save(update_fields=["notified_at"])
        return len(sent)


def _notify_pending() -> int:
    notified = 0
    pending = ReviewItem.objects.filter(Post.listed_via("post"), notified_at__isnull=True)
    for item in pending.order_by("pk"):
        notified += review_item_notify(item=item)
    return notified


def surface_popular() -> RunResult:
    """One run of the job (see the module docstring). Returns what it did."""
    with advisory_lock_tried(LOCK_KEY) as held:
        if not held:
            return RunResult(ran=False)
        state, _created = JobState.objects.get_or_create(name=JOB_NAME)
        started = timezone.now()
        since = None
        if state.last_started_at:
            overlap = timedelta(seconds=setting("DESIGNERS_SURFACE_OVERLAP_SECONDS"))
            since = state.last_started_at - overlap
        rescored_ids = _rescore(since)
        item_ids = _create_items(started, None if since is None else rescored_ids)
        rescored = len(rescored_ids)
        notified = _notify_pending()
        state.last_started_at = started
        state.last_finished_at = timezone.now()
        state.last_rescored = rescored
        state.last_surfaced = len(item_ids)
        state.save()
        return RunResult(
            ran=True,
            rescored=rescored,
            surfaced=len(item_ids),
            notified=notified,
            item_ids=item_ids,
        )
