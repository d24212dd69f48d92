"""The surfacing job: rescore posts with new activity, then queue and announce the popular ones.

Steps, each idempotent so a run killed anywhere is finished by the next one:
1. rescore the posts with activity since the previous complete run (minus an overlap), in
   batches, each its own transaction (a rescore depends only on the rows);
2. create a ReviewItem for every candidate over the threshold, in its product's top N, or past
   the supporters milestone (`post` is unique: a concurrent insert is ignored);
3. notify the designers of every item not yet marked notified (dedupe key per item, so a
   designer is never notified twice, even by two runs at once), then mark it;
4. advance the cursor (JobState) only once all of the above succeeded.

A run rescores every post when there is no cursor yet or when the scoring settings (half-life,
epoch, weights) differ from those the previous complete run scored with.

Only one run works at a time (a PostgreSQL advisory lock); a second run that starts meanwhile
returns at once.
"""

import zlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext, pgettext

from cocreate.core.sql import advisory_lock_tried
from cocreate.notifications.services import notification_send
from community.links import linked_tickets
from community.models import Post
from products.models import Product

from .conf import milestones, setting
from .models import JobState, ReviewItem
from .reasons import number
from .scoring import Weights, current_points, rescore_posts, score_for_points
from .selectors import product_designers
from .support import review_items_recount

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
    ids = set(posts.filter(active).order_by().values_list("pk", flat=True))
    # Items whose support was never counted (surfaced before it was) or whose votes moved
    # without activity (a withdrawn vote does not move last_activity_at): a few rows.
    stale = ReviewItem.objects.filter(
        Q(support_updated_at__isnull=True) | ~Q(vote_count=F("post__vote_count"))
    )
    ids.update(stale.values_list("post_id", flat=True))
    return sorted(ids)


def _rescore(since, now) -> list[int]:
    """Rescore the active posts, and recount the support of their review items in the same
    transaction (so an item is current whenever its post's score is)."""
    ids = _active_post_ids(since)
    batch = setting("DESIGNERS_RESCORE_BATCH")
    weights = Weights.from_settings()
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            rescore_posts(ids[start : start + batch], weights=weights)
            review_items_recount(post_ids=ids[start : start + batch], now=now, weights=weights)
    return ids


def _candidates():
    return Post.objects.listed().filter(
        kind__in=SURFACED_KINDS,
        status__in=[Post.Status.OPEN, Post.Status.UNDER_REVIEW],
        review_item__isnull=True,
    )


def _reasons_by_post(now, rescored: list[int] | None) -> dict[int, dict[str, dict]]:
    """Unsurfaced candidates, why each qualifies and the figures that made it: {post id:
    {code: {"code": …, figures}}} (docs/trending.md).

    Points only decay and votes only change with activity, so only the posts rescored in this
    run (`rescored`; None on a full run) can newly pass the threshold or the milestone. The top
    N can change without activity (a post above leaves the ranking), so it is read per product
    on the (product, -trending_score) index."""
    reasons: dict[int, dict[str, dict]] = {}
    candidates = _candidates()
    if rescored is not None:
        candidates = candidates.filter(pk__in=rescored)
    weights = Weights.from_settings()
    threshold = setting("DESIGNERS_SURFACE_THRESHOLD")
    floor = score_for_points(threshold, now=now, weights=weights)
    for pk, score in candidates.filter(trending_score__gte=floor).values_list(
        "pk", "trending_score"
    ):
        points = round(current_points(score, now=now, weights=weights), 1)
        reasons.setdefault(pk, {})[ReviewItem.Reason.THRESHOLD] = {
            "code": ReviewItem.Reason.THRESHOLD.value,
            "points": points,
            "threshold": threshold,
        }
    steps = milestones()
    if steps:
        for pk, votes in candidates.filter(vote_count__gte=steps[0]).values_list(
            "pk", "vote_count"
        ):
            reasons.setdefault(pk, {})[ReviewItem.Reason.MILESTONE] = {
                "code": ReviewItem.Reason.MILESTONE.value,
                "milestone": max(m for m in steps if m <= votes),
                "votes": votes,
            }
    top_n = setting("DESIGNERS_SURFACE_TOP_N")
    if top_n:
        ranked = Post.objects.listed().filter(
            kind__in=SURFACED_KINDS,
            status__in=[Post.Status.OPEN, Post.Status.UNDER_REVIEW],
            score_updated_at__isnull=False,
        )
        for product_id in Product.objects.order_by().values_list("pk", flat=True):
            top = ranked.filter(product_id=product_id).order_by("-trending_score", "-id")[:top_n]
            rows = top.annotate(has_item=Exists(ReviewItem.objects.filter(post=OuterRef("pk"))))
            for rank, (pk, has_item) in enumerate(rows.values_list("pk", "has_item"), start=1):
                if not has_item:
                    reasons.setdefault(pk, {})[ReviewItem.Reason.TOP_N] = {
                        "code": ReviewItem.Reason.TOP_N.value,
                        "rank": rank,
                        "top_n": top_n,
                    }
    return reasons


def _create_items(now, rescored: list[int] | None) -> list[int]:
    """Queue the candidates with their reasons and the points they were worth, then count
    their support (the same statement as the rescore step's)."""
    reasons = _reasons_by_post(now, rescored)
    if not reasons:
        return []
    weights = Weights.from_settings()
    order = [ReviewItem.Reason.THRESHOLD, ReviewItem.Reason.TOP_N, ReviewItem.Reason.MILESTONE]
    posts = (
        Post.objects.filter(pk__in=reasons).order_by().only("pk", "product_id", "trending_score")
    )
    rows = [
        ReviewItem(
            post_id=post.pk,
            product_id=post.product_id,
            score=round(current_points(post.trending_score, now=now, weights=weights), 3),
            reasons=[reasons[post.pk][r] for r in order if r in reasons[post.pk]],
        )
        for post in posts
    ]
    with transaction.atomic():
        ReviewItem.objects.bulk_create(rows, ignore_conflicts=True)
        review_items_recount(post_ids=list(reasons), now=now, weights=weights)
    return list(
        ReviewItem.objects.filter(post_id__in=reasons, surfaced_at__gte=now).values_list(
            "pk", flat=True
        )
    )


def _surfaced_title_text(title: str) -> str:
    return gettext("Surfaced for review: %(title)s") % {"title": title}


def _surfaced_body_text(item: ReviewItem) -> str:
    text = ngettext(
        "%(votes)s vote, %(verified)s of verified owners; %(reasons)s.",
        "%(votes)s votes, %(verified)s of verified owners; %(reasons)s.",
        item.vote_count,
    )
    separator = pgettext("between the sentences of a list", "; ")
    return text % {
        "votes": number(item.vote_count),
        "verified": number(item.verified_vote_count),
        "reasons": separator.join(sentence for _code, sentence in item.why()),
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
        # The post first, then its item: the rescore step locks posts, then their items, and
        # locking in the same order keeps overlapping runs from waiting on each other.
        post = Post.objects.select_for_update().get(pk=item.post_id)
        locked = ReviewItem.objects.select_for_update().select_related("product").get(pk=item.pk)
        locked.post = post
        if locked.notified_at:
            return 0
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
        scored_with = Weights.from_settings().fingerprint()
        # A first run, or one after the scoring settings changed, rescores every post.
        if state.last_started_at and state.scored_with == scored_with:
            overlap = timedelta(seconds=setting("DESIGNERS_SURFACE_OVERLAP_SECONDS"))
            since = state.last_started_at - overlap
        rescored_ids = _rescore(since, started)
        item_ids = _create_items(started, None if since is None else rescored_ids)
        rescored = len(rescored_ids)
        notified = _notify_pending()
        state.last_started_at = started
        state.scored_with = scored_with
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
