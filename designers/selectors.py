"""Reads of the designers' workspace shared by its pages, the API and the job."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Left, TruncDate, TruncWeek
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from cocreate.accounts.roles import Role
from cocreate.core.dates import day_label
from cocreate.core.i18n import localized
from community.links import linked_tickets
from community.models import Post, PostImage, StatusChange, Vote
from community.selectors import (
    comments_for_post,
    decorate_comments,
    parts_prefetch,
    similar_posts,
)
from products.models import Product

from .models import ReviewItem


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


# The review page lists a post's newest linked tickets, each with the start of what the customer
# wrote (read this far; the page shortens it further), and counts the others.
TICKETS_SHOWN = 10
TICKET_EXCERPT_LENGTH = 300
# The discussion on the review page, oldest first, a page at a time (as on the post's page).
COMMENTS_PAGE_SIZE = 50


def _with_linked_tickets(posts: QuerySet[Post]) -> QuerySet[Post]:
    """The service desk's newest TICKETS_SHOWN tickets linked to each post (community/links.py)
    as `ticket_list`: number, subject, category, status, when, and the first
    TICKET_EXCERPT_LENGTH characters of the description as `excerpt`; all of them counted as
    `linked_ticket_total`."""
    links = linked_tickets()
    if links is None:
        return posts
    tickets = (
        links.model.objects.only(
            "id", links.field.attname, "number", "subject", "category", "status", "created_at"
        )
        .annotate(excerpt=Left("description", TICKET_EXCERPT_LENGTH))
        .order_by("-created_at", "-id")
    )
    return posts.annotate(
        linked_ticket_total=Count(links.query_name, distinct=True)
    ).prefetch_related(
        Prefetch(links.accessor, queryset=tickets[:TICKETS_SHOWN], to_attr="ticket_list")
    )


def review_item_for_page(pk: int) -> ReviewItem:
    """An item with its post and what the review page shows of it: images, tags, build (parts
    marked `compatible`), status history with the generations named, linked tickets (above).
    Raises DoesNotExist."""
    posts = _with_linked_tickets(
        Post.objects.select_related(
            "product__line", "author", "adopted_in", "duplicate_of__product"
        ).prefetch_related(
            "tags",
            Prefetch("images", queryset=PostImage.objects.order_by("position", "id")),
            parts_prefetch(),
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related("author", "adopted_in").order_by(
                    "created_at", "id"
                ),
            ),
        )
    )
    return (
        ReviewItem.objects.select_related("product", "assignee")
        .prefetch_related(Prefetch("post", queryset=posts))
        .get(pk=pk)
    )


def discussion(post: Post, viewer, *, page=None):
    """A page of the post's comments, oldest first, each with its author's reputation and
    verified ownership. Hidden comments as the community shows them to `viewer`
    (community.selectors.comments_for_post): moderators, which designers are, see them."""
    comments = Paginator(comments_for_post(post, viewer), COMMENTS_PAGE_SIZE).get_page(page)
    comments.object_list = decorate_comments(list(comments.object_list), post)
    return comments


# The votes chart's bucket follows the post's age, so a chart stays readable (at most about
# 45 columns, a few more for posts older than four years) and never starts after the votes.
DAILY_UP_TO_DAYS = 45
WEEKLY_UP_TO_DAYS = 40 * 7
SHORTEST_CHART_DAYS = 7
RECENT_DAYS = 30


@dataclass(frozen=True)
class VoteHistory:
    """Votes on a post per `unit` ("day", "week" or "month") over its whole life, oldest first
    (empty buckets included, each labelled for a chart's axis); `total` and `recent` (the last
    RECENT_DAYS days, today included) count the same votes."""

    unit: str
    columns: list[tuple[str, int]]
    total: int
    recent: int


def axis_month(day) -> str:
    """A short month and year for a chart axis (Mar 2026, 2026年3月)."""
    return dateformat.format(day, pgettext("PHP date format of a month on a chart axis", "M Y"))


def _month_starts(first, last):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def votes_over_time(post: Post, *, today=None) -> VoteHistory:
    """The post's votes per day, week (from Monday) or month since it was published, in the
    current time zone: by day up to DAILY_UP_TO_DAYS, by week up to WEEKLY_UP_TO_DAYS, by month
    beyond. One query, whatever the number of votes (one row per day that had some).

    The chart starts at the post's first day, or at its first vote's if that is earlier (a merge
    moves a duplicate's votes with their dates), and shows SHORTEST_CHART_DAYS days at least."""
    tz = timezone.get_current_timezone()
    today = today or timezone.localdate()
    per_day = dict(
        Vote.objects.filter(post=post)
        .order_by()
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    first = min([timezone.localtime(post.created_at, tz).date(), *per_day])
    last = max([today, *per_day])
    span = (last - first).days + 1
    if span <= DAILY_UP_TO_DAYS:
        unit = "day"
        first = min(first, last - timedelta(days=SHORTEST_CHART_DAYS - 1))
        starts = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        bucket, label = (lambda day: day), day_label
    elif span <= WEEKLY_UP_TO_DAYS:
        unit = "week"
        monday = first - timedelta(days=first.weekday())
        starts = [monday + timedelta(weeks=i) for i in range((last - monday).days // 7 + 1)]
        bucket, label = (lambda day: day - timedelta(days=day.weekday())), day_label
    else:
        unit = "month"
        starts = list(_month_starts(first, last))
        bucket, label = (lambda day: day.replace(day=1)), axis_month
    per_bucket = dict.fromkeys(starts, 0)
    for day, count in per_day.items():
        per_bucket[bucket(day)] += count
    since = today - timedelta(days=RECENT_DAYS - 1)
    return VoteHistory(
        unit=unit,
        columns=[(label(start), per_bucket[start]) for start in starts],
        total=sum(per_day.values()),
        recent=sum(count for day, count in per_day.items() if day >= since),
    )


def similar_to(post: Post, *, limit: int = 5) -> list[Post]:
    return similar_posts(product=post.product, text=post.title, exclude_id=post.pk, limit=limit)


def adoption_targets(post: Post) -> QuerySet[Product]:
    """The generations a decision may name: the products of the post's line that are not
    discontinued (the rule services._check_generation enforces), newest first."""
    return (
        Product.objects.filter(line_id=post.product.line_id)
        .exclude(status=Product.Status.DISCONTINUED)
        .order_by("-generation", "name")
    )


def queue_counts() -> dict[str, int]:
    rows = _in_queue().order_by().values("state").annotate(n=Count("id"))
    counts = dict.fromkeys(ReviewItem.State.values, 0)
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


def queue_products() -> QuerySet[Product]:
    """The products with items in the queue: what the queue's product filter offers."""
    return Product.objects.filter(Exists(_in_queue().filter(product=OuterRef("pk"))))


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
        return [(day_label(w), by_week.get(w, 0)) for w in weeks_list]

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
        .annotate(generation=localized("adopted_in__name"))
        .values("generation")
        .annotate(n=Count("id"))
        .order_by("-n", "generation")
        .values_list("generation", "n")
    )
    return {
        "surfaced": per_week(items, "surfaced_at"),
        "funnel": funnel,
        "generations": generations,
        "posts": per_week(posts, "created_at"),
        "votes": per_week(votes, "created_at"),
        "open_items": items.filter(~Q(state=ReviewItem.State.DECIDED)).count(),
    }
