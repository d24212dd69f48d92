"""Reads of the designers' workspace shared by its pages, the API and the job."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from cocreate.accounts.roles import Role
from community.links import linked_tickets
from community.models import Post, StatusChange, Vote
from community.selectors import parts_prefetch, similar_posts
from products.models import Product

from .models import ReviewItem

VOTE_CHART_DAYS = 30


def axis_day(day) -> str:
    """A short day and month for a chart axis, in the reader's order (23/11 or 11/23)."""
    return dateformat.format(day, pgettext("PHP date format of a day on a chart axis", "d/m"))


def product_designers(product_id: int) -> list:
    """The designers of a product: its ProductTeam, or every active designer when it has none."""
    User = get_user_model()
    team = list(
        User.objects.filter(design_assignments__product_id=product_id, is_active=True).distinct()
    )
    if team:
        return team
    return list(User.objects.filter(groups__name=Role.DESIGNER, is_active=True).distinct())


def product_team(product_id: int) -> QuerySet:
    """The designers assigned to the product in ProductTeam (no fallback to every designer)."""
    return (
        get_user_model()
        .objects.filter(design_assignments__product_id=product_id, is_active=True)
        .distinct()
    )


class QueueSort(models.TextChoices):
    """The review queue's orders (docs/trending.md); support is the default."""

    SUPPORT = "support", _("Most support")
    TRENDING = "trending", _("Trending now")
    NEWEST = "newest", _("Newest surfaced")
    WAITING = "waiting", _("Waiting longest")


# Each order ends with the id, so pages never skip or repeat an item.
_QUEUE_ORDER = {
    QueueSort.SUPPORT: (F("support").desc(), F("id").desc()),
    # The stored trending score orders as the current points do (docs/trending.md).
    QueueSort.TRENDING: (F("post__trending_score").desc(), F("id").desc()),
    QueueSort.NEWEST: (F("surfaced_at").desc(), F("id").desc()),
    # Items without a decision first, the longest waiting first; decided ones after them.
    QueueSort.WAITING: (
        # The expression of the reviewitem_waiting_idx index, so a page is a range of it.
        Case(When(state=ReviewItem.State.DECIDED, then=Value(1)), default=Value(0)).asc(),
        F("surfaced_at").asc(),
        F("id").asc(),
    ),
}


@dataclass(frozen=True)
class QueueFilters:
    product: Product | None = None
    kind: str = ""
    state: str = ""
    sort: str = QueueSort.SUPPORT


def _in_queue() -> QuerySet[ReviewItem]:
    """Items whose post is still shown: a post hidden by a moderator or deleted by its author
    leaves the queue (its item stays, for the record; an unhidden post comes back)."""
    return ReviewItem.objects.filter(Post.listed_via("post"))


def review_queue(filters: QueueFilters | None = None) -> QuerySet[ReviewItem]:
    """Review items in the order `filters.sort` names (support by default), with what a queue
    row shows (one query). Why an item surfaced (its reasons, its points then) is not how it
    ranks now: support and trending are read as they are now (docs/trending.md)."""
    filters = filters or QueueFilters()
    items = _in_queue().select_related("post__author", "product", "assignee")
    if filters.product:
        items = items.filter(product=filters.product)
    if filters.kind:
        items = items.filter(post__kind=filters.kind)
    if filters.state:
        items = items.filter(state=filters.state)
    return items.order_by(*_QUEUE_ORDER[QueueSort(filters.sort or QueueSort.SUPPORT)])


def _with_linked_tickets(posts: QuerySet[Post]) -> QuerySet[Post]:
    """The service desk's tickets linked to each post (community/links.py), newest first, as
    `ticket_list`; the review page shows their number, subject, category, status and desk link."""
    links = linked_tickets()
    if links is None:
        return posts
    return posts.prefetch_related(
        Prefetch(
            links.accessor,
            queryset=links.model.objects.order_by("-created_at"),
            to_attr="ticket_list",
        )
    )


def review_item_for_page(pk: int) -> ReviewItem:
    """An item with its post, parts, linked tickets and status history. Raises DoesNotExist."""
    posts = _with_linked_tickets(
        Post.objects.select_related(
            "product", "author", "adopted_in", "duplicate_of"
        ).prefetch_related(
            parts_prefetch(),
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related("author", "adopted_in"),
            ),
        )
    )
    return (
        ReviewItem.objects.select_related("product", "assignee")
        .prefetch_related(Prefetch("post", queryset=posts))
        .get(pk=pk)
    )


def votes_per_day(post: Post, *, days: int = VOTE_CHART_DAYS, today=None) -> list[tuple[str, int]]:
    """Votes on `post` per day over the last `days` days (oldest first, zero days included)."""
    today = today or timezone.localdate()
    start = today - timedelta(days=days - 1)
    tz = timezone.get_current_timezone()
    counts = dict(
        Vote.objects.filter(post=post, created_at__date__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    return [
        (axis_day(start + timedelta(days=i)), counts.get(start + timedelta(days=i), 0))
        for i in range(days)
    ]


def similar_to(post: Post, *, limit: int = 5) -> list[Post]:
    return similar_posts(product=post.product, text=post.title, exclude_id=post.pk, limit=limit)


def adoption_targets(post: Post) -> QuerySet[Product]:
    """Products an idea may be adopted in: the post's product line, newest generations first."""
    return Product.objects.filter(line_id=post.product.line_id).order_by("-generation", "name")


def queue_counts() -> dict[str, int]:
    rows = _in_queue().order_by().values("state").annotate(n=Count("id"))
    counts = dict.fromkeys(ReviewItem.State.values, 0)
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


def designed_products() -> QuerySet[Product]:
    return Product.objects.select_related("line").order_by("line__name", "generation", "name")


def dashboard(product: Product | None, *, weeks: int = 12) -> dict:
    """Figures of the dashboard for one product (or all): a fixed number of queries."""
    items = ReviewItem.objects.all()
    posts = Post.objects.alive().filter(kind__in=[Post.Kind.SUGGESTION, Post.Kind.MODIFICATION])
    adopted = Post.objects.filter(status=Post.Status.ADOPTED, adopted_in__isnull=False)
    votes = Vote.objects.all()
    if product:
        items = items.filter(product=product)
        posts = posts.filter(product=product)
        adopted = adopted.filter(product=product)
        votes = votes.filter(post__product=product)
    since = timezone.now() - timedelta(weeks=weeks)
    tz = timezone.get_current_timezone()

    def per_week(qs, field):
        rows = (
            qs.filter(**{f"{field}__gte": since})
            .annotate(week=TruncWeek(field, tzinfo=tz))
            .order_by()
            .values("week")
            .annotate(n=Count("id"))
            .values_list("week", "n")
        )
        by_week = {week.date(): n for week, n in rows}
        start = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
        weeks_list = [start - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
        return [(axis_day(w), by_week.get(w, 0)) for w in weeks_list]

    status_counts = dict(
        posts.order_by().values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    # A post that went further passed through the earlier stages: the funnel counts it there too.
    order = [
        Post.Status.OPEN,
        Post.Status.UNDER_REVIEW,
        Post.Status.PLANNED,
        Post.Status.IN_PROGRESS,
        Post.Status.ADOPTED,
    ]
    funnel = []
    for index, status in enumerate(order):
        funnel.append((status.label, sum(status_counts.get(s, 0) for s in order[index:])))
    generations = list(
        adopted.order_by()
        .values("adopted_in__name")
        .annotate(n=Count("id"))
        .order_by("-n", "adopted_in__name")
        .values_list("adopted_in__name", "n")
    )
    return {
        "surfaced": per_week(items, "surfaced_at"),
        "funnel": funnel,
        "generations": generations,
        "posts": per_week(posts, "created_at"),
        "votes": per_week(votes, "created_at"),
        "open_items": items.filter(~Q(state=ReviewItem.State.DECIDED)).count(),
    }
