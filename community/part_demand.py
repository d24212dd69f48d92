"""How builds use catalog parts over time: the counts behind a partner's demand page.

Registered in the catalog's contract (`products.selectors.register_part_demand`, from apps.py);
partners, our sibling, read them there. A build is a modification everyone may see (not hidden,
not deleted) that lists the part; its votes are counted when they were cast. Every function runs
a fixed number of queries whatever the number of parts, builds and votes.
"""

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, Trunc

from .models import Post, PostPart, Vote


def _built(post: str = "post") -> Q:
    """Rows whose post (through `post`) is a build everyone may see."""
    return Q(**{f"{post}__kind": Post.Kind.MODIFICATION}) & Post.listed_via(post)


def _within(field: str, start, end) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def counts(part_ids, *, start, end, previous_start) -> dict[int, dict[str, int]]:
    """Per part: builds created, the quantity they list and votes cast on any build listing it,
    in [start, end) and (builds and votes) in [previous_start, start)."""
    figures: dict[int, dict[str, int]] = {}
    builds = (
        PostPart.objects.filter(
            _built(), _within("post__created_at", previous_start, end), part_id__in=part_ids
        )
        .order_by()
        .values("part_id")
        .annotate(
            builds=Count("id", filter=Q(post__created_at__gte=start)),
            quantity=Coalesce(Sum("quantity", filter=Q(post__created_at__gte=start)), 0),
            builds_previous=Count("id", filter=Q(post__created_at__lt=start)),
        )
    )
    for row in builds:
        part_id = row.pop("part_id")
        figures[part_id] = {**row, "votes": 0, "votes_previous": 0}
    # A vote is one per person per post, and a post lists a part once: no double counting.
    votes = (
        PostPart.objects.filter(
            _built(),
            _within("post__votes__created_at", previous_start, end),
            part_id__in=part_ids,
        )
        .order_by()
        .values("part_id")
        .annotate(
            votes=Count("post__votes", filter=Q(post__votes__created_at__gte=start)),
            votes_previous=Count("post__votes", filter=Q(post__votes__created_at__lt=start)),
        )
    )
    for row in votes:
        empty = {"builds": 0, "quantity": 0, "builds_previous": 0}
        figures.setdefault(row.pop("part_id"), empty).update(row)
    return figures


def _listing(part_ids, post: str = "pk"):
    return Exists(PostPart.objects.filter(post=OuterRef(post), part_id__in=part_ids))


def totals(part_ids, *, start, end, previous_start) -> dict[str, int]:
    """Distinct builds listing any of the parts and the votes cast on them, in [start, end) and
    in [previous_start, start): a build listing two of the parts counts once."""
    builds = Post.objects.filter(
        _listing(part_ids),
        _within("created_at", previous_start, end),
        kind=Post.Kind.MODIFICATION,
        is_deleted=False,
        is_hidden=False,
    ).aggregate(
        builds=Count("id", filter=Q(created_at__gte=start)),
        builds_previous=Count("id", filter=Q(created_at__lt=start)),
    )
    votes = Vote.objects.filter(
        _built(),
        _listing(part_ids, "post_id"),
        _within("created_at", previous_start, end),
    ).aggregate(
        votes=Count("id", filter=Q(created_at__gte=start)),
        votes_previous=Count("id", filter=Q(created_at__lt=start)),
    )
    return {**builds, **votes}


def series(part_ids, *, start, end, unit: str, tzinfo, part_id=None) -> tuple[dict, ...]:
    """Builds created and votes cast per `unit` ("week" or "month", starting in `tzinfo`) in
    [start, end), for builds listing any of the parts (each counted once) and, when `part_id` is
    given, for those listing that part: ({bucket: builds}, {bucket: votes}, {bucket: the part's
    builds}, {bucket: the part's votes})."""
    part = _listing([part_id] if part_id else [], "pk")
    builds = (
        Post.objects.filter(
            _listing(part_ids),
            _within("created_at", start, end),
            kind=Post.Kind.MODIFICATION,
            is_deleted=False,
            is_hidden=False,
        )
        .annotate(bucket=Trunc("created_at", unit, tzinfo=tzinfo))
        .order_by()
        .values("bucket")
        .annotate(n=Count("id"), part_n=Count("id", filter=Q(part)))
    )
    part = _listing([part_id] if part_id else [], "post_id")
    votes = (
        Vote.objects.filter(
            _built(), _listing(part_ids, "post_id"), _within("created_at", start, end)
        )
        .annotate(bucket=Trunc("created_at", unit, tzinfo=tzinfo))
        .order_by()
        .values("bucket")
        .annotate(n=Count("id"), part_n=Count("id", filter=Q(part)))
    )
    build_rows, vote_rows = list(builds), list(votes)
    return (
        {row["bucket"]: row["n"] for row in build_rows},
        {row["bucket"]: row["n"] for row in vote_rows},
        {row["bucket"]: row["part_n"] for row in build_rows},
        {row["bucket"]: row["part_n"] for row in vote_rows},
    )
