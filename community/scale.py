"""Scale data of the communities: posts of every kind over the catalog's products, with tags,
builds, long-tailed votes and comments, follows, flags, status changes, the reputation ledger and
each user's total of it.

Posts are planned in memory first (who, when, what status), votes and comments are streamed to
COPY while their per-post counts and last activity are tallied, then the posts are copied with
those counters. Follows and vote reputation lines are derived in SQL from the rows, as the
services would have written them (the author and every voter or commenter follows; every vote
gives the author REPUTATION_POINTS["vote_received"]).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings

from cocreate.core.bulkload import (
    MarkdownBlocks,
    ScaleContext,
    after,
    copy_rows,
    execute,
    geometric,
    long_tail,
    recent_biased,
    reserve_ids,
    weighted_choice,
)
from products.models import Product
from products.scale import popularity

from . import scale_texts as texts
from .models import (
    REPUTATION_POINTS,
    Comment,
    Flag,
    Follow,
    Post,
    PostPart,
    ReputationEvent,
    StatusChange,
    Tag,
    UserReputation,
    Vote,
)

Kind, Status = Post.Kind, Post.Status
KIND_WEIGHTS = [
    (Kind.FEEDBACK, 28),
    (Kind.SUGGESTION, 30),
    (Kind.QUESTION, 20),
    (Kind.MODIFICATION, 20),
    (Kind.EVALUATION, 0.3),
]
# Suggestions and modifications the designers decided on (the rest stay open).
STATUS_WEIGHTS = [
    (Status.OPEN, 84),
    (Status.UNDER_REVIEW, 5),
    (Status.PLANNED, 3),
    (Status.ADOPTED, 2),
    (Status.DECLINED, 4),
    (Status.DUPLICATE, 2),
]
# The way each decided status was reached, one StatusChange per step.
STATUS_PATHS = {
    Status.UNDER_REVIEW: [Status.UNDER_REVIEW],
    Status.PLANNED: [Status.UNDER_REVIEW, Status.PLANNED],
    Status.ADOPTED: [Status.UNDER_REVIEW, Status.PLANNED, Status.ADOPTED],
    Status.DECLINED: [Status.UNDER_REVIEW, Status.DECLINED],
    Status.DUPLICATE: [Status.DUPLICATE],
}
COMMENTS_PER_POST = 3.0
MAX_COMMENTS = 400


@dataclass(slots=True)
class PlannedPost:
    id: int
    product: Product
    author: int
    kind: str
    created: datetime
    topic: tuple  # (feature, tag, symptoms, wishes)
    status: str = Status.OPEN
    steps: list = field(default_factory=list)  # [(new status, when)]
    duplicate_of: int | None = None
    adopted_in: int | None = None
    is_locked: bool = False
    is_deleted: bool = False
    hidden_reason: str = ""
    votes: int = 0
    comments: int = 0
    open_flags: int = 0
    title: str = ""
    slots: dict | None = None
    last_activity: datetime | None = None

    def touch(self, when: datetime) -> None:
        if when > self.last_activity:
            self.last_activity = when


def generate(ctx: ScaleContext) -> None:
    if not ctx.posts:
        return
    posts = _plan_posts(ctx)
    _decide(ctx, posts)
    markdown = MarkdownBlocks()
    first_vote = _votes(ctx, posts)
    _comments(ctx, posts, markdown)
    _flags(ctx, posts)
    _copy_posts(ctx, posts, markdown)
    _tags_and_parts(ctx, posts)
    _status_changes(ctx, posts, markdown)
    _vote_reputation(ctx, first_vote)
    _reputation_totals(ctx)
    _follows(ctx, posts[0].id)
    ctx.made["posts"] = posts
    ctx.log(f"{len(posts):,} posts, {sum(p.votes for p in posts):,} votes")


# --- Planning -----------------------------------------------------------------------------------


def _plan_posts(ctx: ScaleContext) -> list[PlannedPost]:
    """Who wrote what, where and when; ids ascend with time, like real posts'."""
    rng = ctx.rng
    products = ctx.made["products"]
    weights = [popularity(p) for p in products]
    customers, designers = ctx.made["customers"], ctx.made["designers"]
    moments = sorted(recent_biased(rng, ctx.start, ctx.now) for _ in range(ctx.posts))
    first = reserve_ids(Post._meta.db_table, ctx.posts)
    posts = []
    for offset, created in enumerate(moments):
        product = rng.choices(products, weights=weights)[0]
        kind = weighted_choice(rng, KIND_WEIGHTS)
        if not product.is_registrable and kind in (Kind.FEEDBACK, Kind.MODIFICATION):
            kind = Kind.SUGGESTION  # nobody owns a product still being designed
        if kind == Kind.MODIFICATION and not ctx.made["parts_by_product"].get(product.pk):
            kind = Kind.SUGGESTION
        # A few members write most posts.
        author = (
            rng.choice(designers)
            if kind == Kind.EVALUATION
            else customers[int(len(customers) * rng.random() ** 2.5)]
        )
        topic = rng.choice(texts.FEATURES[product.line.slug])
        post = PlannedPost(first + offset, product, author, kind, created, topic)
        post.last_activity = created
        posts.append(post)
    return posts


def _decide(ctx: ScaleContext, posts: list[PlannedPost]) -> None:
    """Statuses (with the steps that led there), duplicates, locks, deletions."""
    rng = ctx.rng
    successor = {p.predecessor_id: p.pk for p in ctx.made["products"] if p.predecessor_id}
    live_by_product: dict[int, list[int]] = {}
    for post in posts:
        if post.kind in (Kind.SUGGESTION, Kind.MODIFICATION):
            post.status = weighted_choice(rng, STATUS_WEIGHTS)
        earlier = live_by_product.setdefault(post.product.pk, [])
        if post.status == Status.DUPLICATE:
            if not earlier:
                post.status = Status.OPEN
            else:
                post.duplicate_of = rng.choice(earlier[-200:])
                post.is_locked = True
        when = post.created
        for step in STATUS_PATHS.get(post.status, []):
            when = after(rng, when, ctx.now, mean_hours=24 * 12)
            post.steps.append((step, when))
            post.touch(when)
        if post.status == Status.ADOPTED:
            post.adopted_in = successor.get(post.product.pk, post.product.pk)
        roll = rng.random()
        if post.status != Status.DUPLICATE:
            if roll < 0.004:
                post.is_deleted = True
            elif roll < 0.006:
                post.hidden_reason = Post.HiddenReason.MODERATOR
            elif roll < 0.009:
                post.is_locked = True
        if not (post.is_deleted or post.hidden_reason or post.status == Status.DUPLICATE):
            earlier.append(post.id)


# --- Votes and comments (streamed to COPY) -------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _votes(ctx: ScaleContext, posts: list[PlannedPost]) -> int:
    """Long-tailed votes by distinct customers (never the author); returns the first vote's id."""
    rng = ctx.rng
    customers = ctx.made["customers"]
    votable = [p for p in posts if p.status != Status.DUPLICATE]
    counts = long_tail(rng, len(votable), ctx.votes, cap=len(customers) - 1)
    first = reserve_ids(Vote._meta.db_table, sum(counts))

    latest = ctx.now.timestamp() - 1
    customer_count = len(customers)

    def rows():
        # The hottest loop of the generator: times are plain floats until they are written.
        vote_id = first
        sample, delay, uniform = rng.sample, rng.expovariate, rng.random
        for post, count in zip(votable, counts, strict=True):
            if not count:
                continue
            created = post.created.timestamp()
            rate = 1 / (3600 * 24 * (2 + min(60, count / 20)))  # popular posts: votes for longer
            last = created
            written = 0
            for index in sample(range(customer_count), count + 1):
                user = customers[index]
                if user == post.author or written == count:
                    continue
                moment = created + delay(rate)
                if moment > latest:  # not in the future, and not all on the last second either
                    moment = created + max(0.0, latest - created) * uniform()
                last = max(last, moment)
                yield f"{vote_id}\t{datetime.fromtimestamp(moment, UTC).isoformat()}\t{post.id}\t{user}"
                vote_id += 1
                written += 1
            post.votes = written
            post.touch(datetime.fromtimestamp(last, UTC))

    copy_rows(ctx, Vote, ["id", "created_at", "post_id", "user_id"], rows())
    return first


def _comments(ctx: ScaleContext, posts: list[PlannedPost], markdown: MarkdownBlocks) -> None:
    """About three comments per post on average, more where the votes are."""
    rng = ctx.rng
    customers = ctx.made["customers"]
    team = ctx.made["agents"] + ctx.made["designers"]
    open_posts = [p for p in posts if p.status != Status.DUPLICATE]
    average_votes = max(1.0, sum(p.votes for p in open_posts) / max(1, len(open_posts)))
    # Where the votes are, the discussion is: a post's expected comments follow its votes
    # (capped), scaled so that the average is COMMENTS_PER_POST.
    weights = [min(MAX_COMMENTS / 2, 0.4 + 0.6 * p.votes / average_votes) for p in open_posts]
    scale = COMMENTS_PER_POST * len(open_posts) / max(1.0, sum(weights))

    def rows():
        for post, weight in zip(open_posts, weights, strict=True):
            mean = scale * weight
            post.comments = min(MAX_COMMENTS, geometric(rng, mean))
            for _ in range(post.comments):
                official = rng.random() < 0.07
                if official:
                    author = rng.choice(team)
                else:
                    author = post.author if rng.random() < 0.15 else rng.choice(customers)
                body, html = markdown([_comment_text(rng, post, official)])
                when = after(rng, post.created, ctx.now, mean_hours=24 * 4)
                post.touch(when)
                hidden = rng.random() < 0.01
                yield body, html, official, hidden, _iso(when), _iso(when), author, post.id

    copy_rows(
        ctx,
        Comment,
        [
            "body",
            "body_html",
            "is_official",
            "is_hidden",
            "created_at",
            "updated_at",
            "author_id",
            "post_id",
        ],
        rows(),
    )


def _comment_text(rng, post: PlannedPost, official: bool) -> str:
    template = rng.choice(texts.OFFICIAL_COMMENTS if official else texts.COMMENTS)
    return _fill(rng, template, post)


def _flags(ctx: ScaleContext, posts: list[PlannedPost]) -> None:
    """Open flags on a few posts (hidden once they reach the threshold) and upheld flags on the
    posts moderators hid; flag_count counts the open ones, as flag_create and post_hide do."""
    rng = ctx.rng
    customers = ctx.made["customers"]
    moderators = ctx.made["agents"]
    threshold = settings.COMMUNITY_FLAG_THRESHOLD
    rows = []
    for post in posts:
        if post.is_deleted or post.status == Status.DUPLICATE:
            continue
        if post.hidden_reason == Post.HiddenReason.MODERATOR:
            count, resolution = rng.randint(1, 3), Flag.Resolution.UPHELD
        elif rng.random() < 0.006:
            count, resolution = (threshold if rng.random() < 0.1 else 1), Flag.Resolution.OPEN
        else:
            continue
        reporters = [u for u in rng.sample(customers, count + 1) if u != post.author][:count]
        resolved_at = after(rng, post.last_activity, ctx.now, mean_hours=24)
        for reporter in reporters:
            when = after(rng, post.created, resolved_at, mean_hours=24)
            reason = rng.choice(Flag.Reason.values)
            if resolution == Flag.Resolution.OPEN:
                rows.append((reason, "", "", None, when, reporter, None, post.id))
            else:
                rows.append((reason, "", resolution, resolved_at, when, reporter,
                             rng.choice(moderators), post.id))  # fmt: skip
        if resolution == Flag.Resolution.OPEN:
            post.open_flags = len(reporters)
            if post.open_flags >= threshold:
                post.hidden_reason = Post.HiddenReason.FLAGS
    copy_rows(
        ctx,
        Flag,
        [
            "reason",
            "message",
            "resolution",
            "resolved_at",
            "created_at",
            "reporter_id",
            "resolved_by_id",
            "post_id",
        ],
        rows,
    )


# --- Posts and what hangs off them ---------------------------------------------------------------


class Slots(dict):
    """The values a post's templates name ({p}, {feature}, {symptom} …), each drawn the first
    time a template asks for it: the title, body and comments of a post tell the same story."""

    CHOICES = {
        "fw": texts.FIRMWARE,
        "owned": texts.OWNED_FOR,
        "reason": texts.REASONS,
    }

    def __init__(self, rng, product, topic: tuple):
        super().__init__(p=product.name, feature=topic[0])
        self.rng, self.topic, self.line = rng, topic, product.line.slug

    def __missing__(self, key: str) -> str:
        if key in ("Feature", "Wish"):
            value = self[key.lower()]
            value = value[0].upper() + value[1:]
        elif key == "symptom":
            value = self.rng.choice(self.topic[2])
        elif key == "wish":
            value = self.rng.choice(self.topic[3])
        elif key == "when":
            value = self.rng.choice(texts.WHEN[self.line])
        else:
            value = self.rng.choice(self.CHOICES[key])
        self[key] = value
        return value


def _fill(rng, template: str, post: PlannedPost) -> str:
    if post.slots is None:
        post.slots = Slots(rng, post.product, post.topic)
    return template.format_map(post.slots)


def _content(rng, post: PlannedPost) -> tuple[str, list[str]]:
    """A title and the Markdown blocks of the body."""
    title = _fill(rng, rng.choice(texts.TITLES[post.kind]), post)
    pick = rng.choice
    blocks = {
        Kind.FEEDBACK: lambda: [
            pick(texts.INTROS),
            pick(texts.FEEDBACK_DETAILS),
            *(["Steps to reproduce:", pick(texts.STEPS)] if rng.random() < 0.4 else []),
            pick(texts.CLOSINGS),
        ],
        Kind.SUGGESTION: lambda: [
            *([pick(texts.INTROS)] if rng.random() < 0.6 else []),
            pick(texts.WISH_DETAILS),
            pick(texts.CLOSINGS),
        ],
        Kind.QUESTION: lambda: [
            pick(texts.FEEDBACK_DETAILS),
            pick(texts.QUESTION_DETAILS),
        ],
        Kind.MODIFICATION: lambda: [
            pick(texts.MOD_INTRO),
            pick(texts.MOD_STEPS),
            "The parts are listed below the post, with what they cost.",
        ],
        Kind.EVALUATION: lambda: [pick(texts.EVALUATION_DETAILS)],
    }[post.kind]()
    return title, [_fill(rng, block, post) for block in blocks]


def _copy_posts(ctx: ScaleContext, posts: list[PlannedPost], markdown: MarkdownBlocks) -> None:
    rng = ctx.rng

    def rows():
        for post in posts:
            post.title, blocks = _content(rng, post)
            body, html = markdown(blocks)
            updated = post.steps[-1][1] if post.steps else post.created
            edited = None
            if rng.random() < 0.05:
                edited = after(rng, post.created, ctx.now, mean_hours=6)
                updated = max(updated, edited)
            deleted_at = None
            if post.is_deleted:
                deleted_at = after(rng, post.last_activity, ctx.now, mean_hours=48)
            yield (
                post.id, post.kind, post.title, body, html, post.status,
                bool(post.hidden_reason), post.hidden_reason, post.is_locked, post.is_deleted,
                deleted_at, post.votes, post.comments, post.open_flags, _iso(post.created),
                _iso(updated), edited, _iso(post.last_activity), post.adopted_in, post.author,
                post.duplicate_of, post.product.pk, None, 0,
            )  # fmt: skip

    copy_rows(
        ctx,
        Post,
        [
            "id", "kind", "title", "body", "body_html", "status", "is_hidden", "hidden_reason",
            "is_locked", "is_deleted", "deleted_at", "vote_count", "comment_count", "flag_count",
            "created_at", "updated_at", "edited_at", "last_activity_at", "adopted_in_id",
            "author_id", "duplicate_of_id", "product_id", "score_updated_at", "trending_score",
        ],
        rows(),
    )  # fmt: skip


def _tags_and_parts(ctx: ScaleContext, posts: list[PlannedPost]) -> None:
    rng = ctx.rng
    names = {topic[1] for topics in texts.FEATURES.values() for topic in topics}
    names |= set(texts.GENERIC_TAGS)
    existing = set(Tag.objects.filter(slug__in=names).values_list("slug", flat=True))
    Tag.objects.bulk_create(
        [Tag(name=name.replace("-", " "), slug=name) for name in sorted(names - existing)]
    )
    tag_ids = dict(Tag.objects.filter(slug__in=names).values_list("slug", "id"))
    tag_rows, part_rows = [], []
    for post in posts:
        slugs = {post.topic[1]}
        if rng.random() < 0.3:
            slugs.add(rng.choice(texts.GENERIC_TAGS))
        tag_rows.extend((post.id, tag_ids[slug]) for slug in slugs)
        if post.kind == Kind.MODIFICATION:
            fitting = ctx.made["parts_by_product"][post.product.pk]
            for part in rng.sample(fitting, min(len(fitting), rng.randint(1, 4))):
                part_rows.append((post.id, part, 1 if rng.random() < 0.8 else rng.randint(2, 3)))
    copy_rows(ctx, Post.tags.through, ["post_id", "tag_id"], tag_rows)
    copy_rows(ctx, PostPart, ["post_id", "part_id", "quantity"], part_rows)


def _status_changes(ctx: ScaleContext, posts: list[PlannedPost], markdown: MarkdownBlocks) -> None:
    """The designers' public decisions, and the ledger lines planning and adoption award."""
    rng = ctx.rng
    designers = ctx.made["designers"]
    changes, ledger = [], []
    for post in posts:
        previous = Status.OPEN
        for status, when in post.steps:
            designer = rng.choice(designers)
            message, html = markdown([texts.STATUS_MESSAGES[status]])
            adopted_in = post.adopted_in if status == Status.ADOPTED else None
            changes.append((previous, status, message, html, when, adopted_in, designer, post.id))
            milestone = {
                Status.PLANNED: ReputationEvent.Kind.IDEA_PLANNED,
                Status.ADOPTED: ReputationEvent.Kind.IDEA_ADOPTED,
            }.get(status)
            if milestone:
                points = REPUTATION_POINTS[milestone]
                ledger.append((milestone, points, when, designer, post.id, post.author))
            previous = status
    copy_rows(
        ctx,
        StatusChange,
        [
            "old_status",
            "new_status",
            "message",
            "message_html",
            "created_at",
            "adopted_in_id",
            "author_id",
            "post_id",
        ],
        changes,
    )
    copy_rows(
        ctx,
        ReputationEvent,
        ["kind", "points", "created_at", "actor_id", "post_id", "user_id"],
        ledger,
    )


def _vote_reputation(ctx: ScaleContext, first_vote: int) -> None:
    """Each vote gave the post's author a ledger line (vote_cast)."""
    rows = execute(
        f"""
        INSERT INTO {ReputationEvent._meta.db_table}
            (user_id, kind, points, post_id, actor_id, created_at)
        SELECT p.author_id, %s, %s, v.post_id, v.user_id, v.created_at
        FROM {Vote._meta.db_table} v JOIN {Post._meta.db_table} p ON p.id = v.post_id
        WHERE v.id >= %s
        """,
        [
            ReputationEvent.Kind.VOTE_RECEIVED,
            REPUTATION_POINTS[ReputationEvent.Kind.VOTE_RECEIVED],
            first_vote,
        ],
    )
    table = ReputationEvent._meta.db_table
    ctx.counts[table] = ctx.counts.get(table, 0) + rows


def _reputation_totals(ctx: ScaleContext) -> None:
    """Each user's total, the sum of their ledger (the reputation service adds every line)."""
    table = UserReputation._meta.db_table
    ctx.counts[table] = execute(
        f"""
        INSERT INTO {table} (user_id, points)
        SELECT user_id, sum(points) FROM {ReputationEvent._meta.db_table} GROUP BY user_id
        ON CONFLICT (user_id) DO UPDATE SET points = EXCLUDED.points
        """
    )


def _follows(ctx: ScaleContext, first_post: int) -> None:
    """The author, every voter and every commenter follows the post, from their first act."""
    rows = execute(
        f"""
        INSERT INTO {Follow._meta.db_table} (user_id, post_id, created_at)
        SELECT user_id, post_id, min(created_at) FROM (
            SELECT author_id AS user_id, id AS post_id, created_at
              FROM {Post._meta.db_table} WHERE id >= %(first)s
            UNION ALL
            SELECT user_id, post_id, created_at FROM {Vote._meta.db_table}
             WHERE post_id >= %(first)s
            UNION ALL
            SELECT author_id, post_id, created_at FROM {Comment._meta.db_table}
             WHERE post_id >= %(first)s
        ) acts
        GROUP BY user_id, post_id
        """,
        {"first": first_post},
    )
    ctx.counts[Follow._meta.db_table] = rows
