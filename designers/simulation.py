"""Replay a database's history through the surfacing rules, to choose their settings
(`manage.py simulate_surfacing`; docs/trending.md has a run and what it decided).

The replay reads every listed suggestion and modification, its votes (verified or not), visible
comments, linked tickets and status changes, then steps through time as the surfacing job
would run (every `step`), with the same rules as designers/surfacing.py:

* a post is a candidate from its creation until a status other than open or under review;
* the trending score is the same sum (designers/scoring.py) with the half-life under test;
* at each run, a candidate with activity since the previous run surfaces when its points reach
  the threshold or its votes reach the first milestone; in a product where anything changed,
  the top N candidates by score surface;
* a surfaced post is never surfaced again.

Parameters that share a half-life share one pass: the pass records, per post, the first run at
which each threshold, each top N and each first milestone would have surfaced it, and a
parameter set's item surfaces at the earliest of its three. Simplifications: posts hidden or
deleted now are left out throughout; a vote counts as a verified owner's when its voter owns
the product now (as the job's own rescoring does); decisions are the data's, not the replay's.
"""

import bisect
import heapq
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection

from cocreate.core.i18n import localized
from community.models import Comment, Post, StatusChange, Vote
from products.models import Registration

from .scoring import Weights, _linked_ticket_table
from .surfacing import SURFACED_KINDS

DAY = 86400.0
WEEK = 7 * DAY
CANDIDATE_STATUSES = (Post.Status.OPEN, Post.Status.UNDER_REVIEW)
# An item surfaced with fewer votes than this is counted as surfaced on little support.
FEW = 5


@dataclass(frozen=True)
class Params:
    half_life_hours: float
    threshold: float
    top_n: int
    milestones: tuple[int, ...]

    @property
    def first_milestone(self) -> int:
        return self.milestones[0] if self.milestones else 0


@dataclass
class History:
    """What the replay reads, times as POSIX seconds."""

    post_ids: list[int]
    product: list[int]  # per post, the product's index in `products`
    products: list[str]  # names
    created: list[float]
    candidate_until: list[float]  # the first decision's time (math.inf while open)
    events: list[tuple[float, int, str]]  # (time, post index, "vote" | "verified" | …) in order
    first: float
    last: float

    @property
    def post_count(self) -> int:
        return len(self.post_ids)


@dataclass
class Row:
    params: Params
    weeks: int
    products: int
    surfaced: int
    per_week_mean: float
    per_week_max: int
    products_without: int  # products none of whose posts surfaced in the range
    by_reason: dict[str, int]
    supporters_median: float | None  # votes when surfaced
    few_supporters: float  # share surfaced with fewer than FEW votes
    strong: int
    never: int
    days_to_surface: float | None
    days_above_threshold: float | None
    days_in_top_n: float | None
    milestones_per_week: float


def _epoch(moment: datetime) -> float:
    return moment.timestamp()


def load_history(*, until: datetime | None = None) -> History:
    """Every listed suggestion and modification created before `until` and their activity."""
    posts = (
        Post.objects.listed()
        .filter(kind__in=SURFACED_KINDS)
        .order_by("id")
        .annotate(product_name=localized("product__name"))
        .values_list("id", "product_id", "product_name", "created_at", "status")
    )
    if until is not None:
        posts = posts.filter(created_at__lt=until)
    ids, product, created, statuses = [], [], [], []
    product_index: dict[int, int] = {}
    names: list[str] = []
    for pk, product_id, name, created_at, status in posts.iterator(chunk_size=5000):
        if product_id not in product_index:
            product_index[product_id] = len(names)
            names.append(name)
        ids.append(pk)
        product.append(product_index[product_id])
        created.append(_epoch(created_at))
        statuses.append(status)
    index = {pk: i for i, pk in enumerate(ids)}
    candidate_until = [
        math.inf if status in CANDIDATE_STATUSES else created[i]
        for i, status in enumerate(statuses)
    ]
    # A decided post was a candidate until its first move to a status that is not open or
    # under review.
    changes = (
        StatusChange.objects.filter(post_id__in=ids)
        .exclude(new_status__in=CANDIDATE_STATUSES)
        .order_by()
        .values_list("post_id", "created_at")
    )
    decided: dict[int, float] = {}
    for post_id, when in changes.iterator(chunk_size=5000):
        decided[post_id] = min(decided.get(post_id, math.inf), _epoch(when))
    for post_id, when in decided.items():
        i = index[post_id]
        if statuses[i] not in CANDIDATE_STATUSES:
            candidate_until[i] = max(created[i], when)
    events = [(created[i], i, "post") for i in range(len(ids))]
    for kind, sql, params in _event_queries(until):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(20000):
                for when, post_id in rows:
                    i = index.get(post_id)
                    if i is not None:
                        events.append((when, i, kind))
    events.sort()
    first = events[0][0] if events else 0.0
    last = events[-1][0] if events else 0.0
    return History(ids, product, names, created, candidate_until, events, first, last)


def _event_queries(until: datetime | None):
    post = Post._meta.db_table
    before = "AND e.created_at < %(until)s" if until is not None else ""
    params = {"until": until, "kinds": list(SURFACED_KINDS)}
    verified = f"""EXISTS (SELECT 1 FROM {Registration._meta.db_table} r
                           WHERE r.customer_id = e.user_id AND r.product_id = p.product_id)"""
    votes = f"""
        SELECT extract(epoch from e.created_at)::float8, e.post_id
        FROM {Vote._meta.db_table} e JOIN {post} p ON p.id = e.post_id
        WHERE p.kind = ANY(%(kinds)s) {before} AND {{condition}}"""
    yield "vote", votes.format(condition=f"NOT {verified}"), params
    yield "verified", votes.format(condition=verified), params
    yield (
        "comment",
        f"""SELECT extract(epoch from e.created_at)::float8, e.post_id
            FROM {Comment._meta.db_table} e JOIN {post} p ON p.id = e.post_id
            WHERE p.kind = ANY(%(kinds)s) AND NOT e.is_hidden {before}""",
        params,
    )
    ticket = _linked_ticket_table()
    if ticket:
        table, post_col, created_col = ticket
        before_ticket = f"AND e.{created_col} < %(until)s" if until is not None else ""
        yield (
            "ticket",
            f"""SELECT extract(epoch from e.{created_col})::float8, e.{post_col}
                FROM {table} e WHERE e.{post_col} IS NOT NULL {before_ticket}""",
            params,
        )


def _log_add(x: float, y: float) -> float:
    """log2(2^x + 2^y) without overflow."""
    if x == -math.inf:
        return y
    high, low = (x, y) if x >= y else (y, x)
    return high + math.log2(1.0 + 2.0 ** (low - high))


@dataclass
class _Pass:
    """What one half-life's replay found, per post: the first run at which each threshold, top N
    and first milestone would surface it (and the rank then)."""

    first_threshold: dict[float, dict[int, tuple[float, float]]] = field(default_factory=dict)
    first_top: dict[int, dict[int, tuple[float, int]]] = field(default_factory=dict)
    first_milestone: dict[int, dict[int, tuple[float, int]]] = field(default_factory=dict)
    # Strong ideas: seconds above each threshold and in each top N.
    above: dict[float, dict[int, float]] = field(default_factory=dict)
    in_top: dict[int, dict[int, float]] = field(default_factory=dict)
    # Each post's score at the end, in half-lives from the first event (scoring.py's stored
    # score minus (first event − epoch) / half-life).
    scores: list[float] = field(default_factory=list)


def _replay(
    history: History,
    *,
    half_life_hours: float,
    thresholds: list[float],
    top_ns: list[int],
    first_milestones: list[int],
    strong: set[int],
    until: float,
    step: float,
    weights: Weights,
) -> _Pass:
    half_life = half_life_hours * 3600.0
    start = history.first
    log_weight = {
        "post": math.log2(weights.post) if weights.post > 0 else -math.inf,
        "vote": math.log2(weights.vote) if weights.vote > 0 else -math.inf,
        "verified": math.log2(weights.verified_vote) if weights.verified_vote > 0 else -math.inf,
        "comment": math.log2(weights.comment) if weights.comment > 0 else -math.inf,
        "ticket": math.log2(weights.linked_ticket) if weights.linked_ticket > 0 else -math.inf,
    }

    def age(moment: float) -> float:
        return (moment - start) / half_life

    n = history.post_count
    score = [-math.inf] * n
    votes = [0] * n
    heaps: dict[int, list] = defaultdict(list)
    top_sets: dict[int, list[int]] = {}  # product → its current ranking (up to max N)
    result = _Pass(
        first_threshold={t: {} for t in thresholds},
        first_top={k: {} for k in top_ns},
        first_milestone={m: {} for m in first_milestones},
        above={t: dict.fromkeys(strong, 0.0) for t in thresholds},
        in_top={k: dict.fromkeys(strong, 0.0) for k in top_ns},
    )
    # Strong ideas: the last event's time and score (to integrate time above a threshold), and
    # since when each is in each top N.
    last_seen: dict[int, tuple[float, float]] = {}
    top_since: dict[int, dict[int, float]] = {k: {} for k in top_ns}
    max_n = max(top_ns, default=0)
    log_thresholds = {t: math.log2(t) for t in thresholds if t > 0}
    events = history.events
    position = 0
    moment = start - (start % step) + step

    def close_above(i: int, until_moment: float) -> None:
        seen = last_seen.get(i)
        if seen is None:
            return
        when, value = seen
        span = until_moment - when
        points_log = value - age(when)
        for t, log_t in log_thresholds.items():
            if points_log > log_t:
                result.above[t][i] += min(span, half_life * (points_log - log_t))

    def rank(product: int, now: float) -> list[int]:
        heap = heaps[product]
        kept, seen_ids = [], set()
        while heap and len(kept) < max_n:
            entry = heapq.heappop(heap)
            negative, _negative_id, i = entry
            if i in seen_ids or -negative != score[i] or history.candidate_until[i] <= now:
                continue  # an older score of a post ranked already, or a decided post
            seen_ids.add(i)
            kept.append(entry)
        for entry in kept:
            heapq.heappush(heap, entry)
        return [entry[2] for entry in kept]

    while moment <= until + step:
        now = min(moment, until)
        touched: set[int] = set()
        while position < len(events) and events[position][0] <= now:
            when, i, kind = events[position]
            position += 1
            if i in strong:
                close_above(i, when)
            score[i] = _log_add(score[i], age(when) + log_weight[kind])
            if kind in ("vote", "verified"):
                votes[i] += 1
            if i in strong:
                last_seen[i] = (when, score[i])
            touched.add(i)
        changed_products = set()
        for i in touched:
            if history.candidate_until[i] > now:
                changed_products.add(history.product[i])
                heapq.heappush(heaps[history.product[i]], (-score[i], -history.post_ids[i], i))
                points_log = score[i] - age(now)
                for t, log_t in log_thresholds.items():
                    if points_log >= log_t and i not in result.first_threshold[t]:
                        result.first_threshold[t][i] = (now, 2.0**points_log)
                for m in first_milestones:
                    if m and votes[i] >= m and i not in result.first_milestone[m]:
                        result.first_milestone[m][i] = (now, votes[i])
        # A product whose top posts may have changed without activity: one was decided.
        for product, ranked in top_sets.items():
            if any(history.candidate_until[i] <= now for i in ranked):
                changed_products.add(product)
        for product in changed_products:
            if not max_n:
                break
            ranked = rank(product, now)
            previous = top_sets.get(product, [])
            top_sets[product] = ranked
            for position_in_top, i in enumerate(ranked, start=1):
                for k in top_ns:
                    if position_in_top <= k and i not in result.first_top[k]:
                        result.first_top[k][i] = (now, position_in_top)
            for k in top_ns:
                now_in = {i for i in ranked[:k] if i in strong}
                was_in = {i for i in previous[:k] if i in strong}
                for i in was_in - now_in:
                    result.in_top[k][i] += now - top_since[k].pop(i)
                for i in now_in - was_in:
                    top_since[k][i] = now
        if moment >= until:
            break
        moment += step
    for i in strong:
        close_above(i, until)
    for k in top_ns:
        for i, since in top_since[k].items():
            result.in_top[k][i] += until - since
    result.scores = score
    return result


def _vote_times(history: History, until: float) -> list[list[float]]:
    """Each post's votes' times, in order, up to `until`."""
    times: list[list[float]] = [[] for _ in range(history.post_count)]
    for when, i, kind in history.events:
        if when > until:
            break
        if kind in ("vote", "verified"):
            times[i].append(when)
    return times


def _median(values) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def simulate(
    history: History,
    *,
    half_lives: list[float],
    thresholds: list[float],
    top_ns: list[int],
    milestone_sets: list[tuple[int, ...]],
    since: datetime,
    until: datetime,
    strong: int,
    step: timedelta = timedelta(hours=1),
    weights: Weights | None = None,
) -> list[Row]:
    """One row per parameter set (every combination of the lists), measured over
    [since, until): items surfaced per product and week, and what happens to strong ideas
    (posted in the range, `strong` votes or more by `until`, still candidates when they got
    them)."""
    weights = weights or Weights.from_settings()
    start, end = _epoch(since), _epoch(until)
    weeks = max(1, math.ceil((end - start) / WEEK))
    vote_times = _vote_times(history, end)
    # When each post's votes reached each level: {level: {post index: time}}.
    levels = {strong} | {m for ms in milestone_sets for m in ms}
    crossings = {
        level: {i: times[level - 1] for i, times in enumerate(vote_times) if len(times) >= level}
        for level in levels
    }
    strong_posts = {
        i
        for i, when in crossings[strong].items()
        if start <= history.created[i] <= end and history.candidate_until[i] > when
    }
    products = {history.product[i] for i in range(history.post_count) if history.created[i] < end}
    rows = []
    for half_life in half_lives:
        found = _replay(
            history,
            half_life_hours=half_life,
            thresholds=thresholds,
            top_ns=top_ns,
            first_milestones=sorted({ms[0] for ms in milestone_sets if ms}),
            strong=strong_posts,
            until=end,
            step=step.total_seconds(),
            weights=weights,
        )
        for threshold in thresholds:
            for top_n in top_ns:
                for milestones in milestone_sets:
                    params = Params(half_life, threshold, top_n, milestones)
                    rows.append(
                        _row(
                            history,
                            params,
                            found,
                            crossings,
                            vote_times,
                            strong_posts,
                            products,
                            start,
                            end,
                            weeks,
                        )
                    )
    return rows


def _row(
    history, params, found, crossings, vote_times, strong_posts, products, start, end, weeks
) -> Row:
    by_threshold = found.first_threshold.get(params.threshold, {})
    by_top = found.first_top.get(params.top_n, {}) if params.top_n else {}
    by_milestone = found.first_milestone.get(params.first_milestone, {})
    surfaced_at: dict[int, float] = {}
    for source in (by_threshold, by_top, by_milestone):
        for i, (when, _figure) in source.items():
            if when < surfaced_at.get(i, math.inf):
                surfaced_at[i] = when
    per_cell: dict[tuple[int, int], int] = defaultdict(int)
    reasons = {"threshold": 0, "top_n": 0, "milestone": 0}
    surfaced = 0
    supporters = []
    served = set()
    for i, when in surfaced_at.items():
        if not start <= when <= end:
            continue
        surfaced += 1
        served.add(history.product[i])
        supporters.append(bisect.bisect_right(vote_times[i], when))
        per_cell[(history.product[i], int((when - start) // WEEK))] += 1
        for code, source in (
            ("threshold", by_threshold),
            ("top_n", by_top),
            ("milestone", by_milestone),
        ):
            if i in source and source[i][0] == when:
                reasons[code] += 1
    cells = max(1, len(products) * weeks)
    later = 0
    for level in params.milestones:
        for i, when in crossings.get(level, {}).items():
            if start <= when <= end and surfaced_at.get(i, math.inf) < when:
                later += 1
    never = [i for i in strong_posts if surfaced_at.get(i, math.inf) > end]
    waited = [
        (surfaced_at[i] - history.created[i]) / DAY
        for i in strong_posts
        if surfaced_at.get(i, math.inf) <= end
    ]
    return Row(
        params=params,
        weeks=weeks,
        products=len(products),
        surfaced=surfaced,
        per_week_mean=surfaced / cells,
        per_week_max=max(per_cell.values(), default=0),
        products_without=len(products - served),
        by_reason=reasons,
        supporters_median=_median(supporters),
        few_supporters=sum(1 for n in supporters if n < FEW) / surfaced if surfaced else 0.0,
        strong=len(strong_posts),
        never=len(never),
        days_to_surface=_median(waited),
        days_above_threshold=_median(
            seconds / DAY for seconds in found.above.get(params.threshold, {}).values()
        ),
        days_in_top_n=_median(
            seconds / DAY for seconds in found.in_top.get(params.top_n, {}).values()
        )
        if params.top_n
        else None,
        milestones_per_week=later / weeks,
    )


HEADER = (
    "| half-life (h) | threshold | top N | milestones | surfaced | per product-week: mean | max "
    "| products without any "
    "| first reason: threshold / top N / milestone | median votes then "
    f"| under {FEW} votes then | strong ideas | never surfaced "
    "| median days to surface | median days above threshold | median days in top N "
    "| later milestones / week |"
)


def _cell(value, digits=1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def format_table(rows: list[Row]) -> str:
    lines = [HEADER, _separator()]
    for row in rows:
        p = row.params
        lines.append(
            "| "
            + " | ".join(
                [
                    _cell(p.half_life_hours, 0),
                    _cell(p.threshold, 0),
                    str(p.top_n),
                    ",".join(str(m) for m in p.milestones) or "–",
                    str(row.surfaced),
                    _cell(row.per_week_mean, 2),
                    str(row.per_week_max),
                    str(row.products_without),
                    f"{row.by_reason['threshold']} / {row.by_reason['top_n']} / "
                    f"{row.by_reason['milestone']}",
                    _cell(row.supporters_median, 0),
                    f"{row.few_supporters:.0%}",
                    str(row.strong),
                    str(row.never),
                    _cell(row.days_to_surface),
                    _cell(row.days_above_threshold),
                    _cell(row.days_in_top_n),
                    _cell(row.milestones_per_week),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def _separator() -> str:
    columns = HEADER.count("|") - 1
    return "|" + "|".join(["---"] * 4 + ["---:"] * (columns - 4)) + "|"
