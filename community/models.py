"""Per-product communities: posts, their parts, votes, comments, follows, flags and reputation.

Counters on Post (vote_count, comment_count, flag_count) are denormalised for feeds; only the
services in community/services/ change them, under a row lock, in the same transaction as
the rows they count, so they always equal COUNT(*) of those rows.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cocreate.core.clock import ClockDateTimeField
from cocreate.core.search import SpacedHan

# Full-text search configuration used by the generated column and by every query against it.
SEARCH_CONFIG = "english"


class Tag(models.Model):
    """A free label shared by all communities ("battery", "firmware", "case-mod" …)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class PostQuerySet(models.QuerySet):
    """Which posts show, by name, so no query spells out the rule again."""

    def alive(self):
        """Not deleted by their author: moderators and designers still work on them."""
        return self.filter(is_deleted=False)

    def listed(self):
        """Alive and not hidden: what feeds, searches and counts show everyone."""
        return self.alive().filter(is_hidden=False)


class Post(models.Model):
    class Kind(models.TextChoices):
        FEEDBACK = "feedback", _("Feedback")
        SUGGESTION = "suggestion", _("Suggestion")
        MODIFICATION = "modification", _("Modification")
        QUESTION = "question", _("Question")
        # Official posts by designers (the designers' workflow creates them).
        EVALUATION = "evaluation", _("Evaluation")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("post status", "Open")
        UNDER_REVIEW = "under_review", _("Under review")
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        ADOPTED = "adopted", _("Adopted")
        DECLINED = "declined", _("Declined")
        DUPLICATE = "duplicate", _("Duplicate")

    class HiddenReason(models.TextChoices):
        NONE = "", _("Not hidden")
        FLAGS = "flags", _("Flagged by the community, awaiting review")
        MODERATOR = "moderator", _("Hidden by a moderator")

    # Kinds a customer may choose when writing a post.
    MEMBER_KINDS = (Kind.FEEDBACK, Kind.SUGGESTION, Kind.MODIFICATION, Kind.QUESTION)
    # The designers answered the post publicly (or a moderator merged it): it is part of the
    # record (a product's co-created ideas, the review queue, a merge's target), so its author
    # can no longer delete it. "Under review" is not a decision yet.
    DECIDED_STATUSES = (
        Status.PLANNED,
        Status.IN_PROGRESS,
        Status.ADOPTED,
        Status.DECLINED,
        Status.DUPLICATE,
    )

    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("product"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="community_posts",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("body"), max_length=20000)
    # render_markdown(body), stored on write: pages never render Markdown.
    body_html = models.TextField(_("body (HTML)"), blank=True, editable=False)
    # The language the post is written in (chosen by the author, else detected from the text).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    tags = models.ManyToManyField(Tag, related_name="posts", blank=True, verbose_name=_("tags"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    # The product generation the designers' decision names: the one a planned or in-progress idea
    # is planned for, or the one that adopted it. The product page lists its "co-created" ideas
    # through `product.adopted_posts`.
    adopted_in = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_posts",
        verbose_name=_("adopted in"),
    )

    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(
        _("why hidden"), max_length=20, choices=HiddenReason.choices, blank=True, default=""
    )
    is_locked = models.BooleanField(
        _("locked"), default=False, help_text=_("No new votes or comments.")
    )
    is_deleted = models.BooleanField(_("deleted"), default=False)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    # Open (unreviewed) flags; reaching settings.COMMUNITY_FLAG_THRESHOLD hides the post.
    flag_count = models.PositiveIntegerField(_("open flags"), default=0)

    # Kept by PostgreSQL itself, so no write path can forget to refresh it; GIN-indexed below.
    # Each Han character is a token of its own, so Chinese is searchable (docs/search.md).
    search_vector = models.GeneratedField(
        expression=SearchVector(SpacedHan("title"), weight="A", config=SEARCH_CONFIG)
        + SearchVector(SpacedHan("body"), weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated"), auto_now=True)
    edited_at = models.DateTimeField(_("edited by its author"), null=True, blank=True)
    # Creation, votes, comments and status changes move it; trending and surfacing read it.
    last_activity_at = ClockDateTimeField(_("last activity"), auto_now_add=True)
    # The trending score (time-decayed votes, verified owners, comments, linked tickets), kept by
    # the designers app's surfacing job; the "trending" feed sort reads it.
    trending_score = models.FloatField(_("trending score"), default=0)
    score_updated_at = models.DateTimeField(_("score updated"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            GinIndex(fields=["search_vector"], name="post_search_idx"),
            # One per feed sort, per product and across products, each ending with the sort's
            # tie-breakers: a feed page is a range of one of them (keyset pagination, see
            # cocreate/core/keyset.py), never a sort of all the product's posts.
            models.Index(fields=["product", "-created_at", "-id"], name="post_product_new_idx"),
            models.Index(
                fields=["product", "-vote_count", "-created_at", "-id"], name="post_product_top_idx"
            ),
            models.Index(
                fields=["product", "-trending_score", "-last_activity_at", "-id"],
                name="post_product_trending_idx",
            ),
            models.Index(fields=["-created_at", "-id"], name="post_new_idx"),
            models.Index(fields=["-vote_count", "-created_at", "-id"], name="post_top_idx"),
            models.Index(
                fields=["-trending_score", "-last_activity_at", "-id"], name="post_trending_idx"
            ),
            models.Index(fields=["-last_activity_at"], name="post_activity_idx"),
            models.Index(fields=["status"], name="post_status_idx"),
            # The builds everyone may see, by when they were posted: a partner's demand for its
            # parts over a period (part_demand.py) reads these, not every post of the period.
            models.Index(
                fields=["created_at"],
                name="post_listed_build_idx",
                condition=Q(kind="modification", is_deleted=False, is_hidden=False),
            ),
            models.Index(
                fields=["-flag_count"], condition=Q(flag_count__gt=0), name="post_flagged_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("pk")), name="post_not_duplicate_of_itself"
            ),
            models.CheckConstraint(
                condition=Q(status="duplicate") | Q(duplicate_of__isnull=True),
                name="post_duplicate_of_only_when_duplicate",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("community:post", args=[self.product.slug, self.pk])

    @staticmethod
    def listed_via(relation: str) -> Q:
        """`Post.objects.listed()` as a condition on another model's relation to its posts
        ("post", "posts"): to filter or count those rows by their post within the same join."""
        return Q(**{f"{relation}__is_deleted": False, f"{relation}__is_hidden": False})

    @property
    def is_visible(self) -> bool:
        """Shown to everyone, as `Post.objects.listed()`: not hidden and not deleted."""
        return not (self.is_hidden or self.is_deleted)

    @property
    def is_decided(self) -> bool:
        """The designers decided on it (or it was merged): its author may no longer delete it."""
        return self.status in self.DECIDED_STATUSES

    @property
    def accepts_interaction(self) -> bool:
        """Votes and comments are accepted: visible and not locked."""
        return self.is_visible and not self.is_locked

    @property
    def credited(self) -> list["Credit"]:
        """The people credited for this idea, its author first: the credits the release of its
        generation wrote (prefetched as `credit_rows`, see community/releases.py), else, for an
        idea not shipped yet, its author alone (unsaved)."""
        rows = getattr(self, "credit_rows", None)
        if rows:
            return rows
        return [Credit(user=self.author, post=self, role=Credit.Role.AUTHOR)]

    @property
    def latest_answer(self) -> "StatusChange | None":
        """The team's latest public answer (a status change with a message), prefetched as
        `latest_answers` by the selectors that show it (community/roadmap.py)."""
        answers = getattr(self, "latest_answers", None)
        return answers[0] if answers else None


def post_image_path(instance, filename: str) -> str:
    # The file name is ours (re-encoded image), never the uploader's.
    return f"community/posts/{instance.post_id}/{filename}"


class PostImage(models.Model):
    """An image attached to a post; always re-encoded by the server (never the uploaded bytes)."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="images", verbose_name=_("post")
    )
    image = models.ImageField(
        _("image"), upload_to=post_image_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    alt = models.CharField(_("description"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("post image")
        verbose_name_plural = _("post images")

    def __str__(self):
        return self.alt or self.image.name


class PostPart(models.Model):
    """A catalog part in a modification's build, with how many of it."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="parts", verbose_name=_("post")
    )
    part = models.ForeignKey(
        "products.Part",
        on_delete=models.PROTECT,
        related_name="post_uses",
        verbose_name=_("part"),
    )
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("part in a build")
        verbose_name_plural = _("parts in a build")
        constraints = [
            models.UniqueConstraint(fields=["post", "part"], name="postpart_unique_part"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="postpart_quantity_min_1"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.part}"


class Vote(models.Model):
    """One per user per post (the unique constraint is what keeps counts exact)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_votes",
        verbose_name=_("user"),
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="votes", verbose_name=_("post")
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="vote_unique_user_post")
        ]
        indexes = [models.Index(fields=["post", "-created_at"], name="vote_post_recent_idx")]

    def __str__(self):
        return f"{self.user} → {self.post_id}"


class Comment(models.Model):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="comments", verbose_name=_("post")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="community_comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=10000)
    body_html = models.TextField(_("comment (HTML)"), blank=True, editable=False)
    # Written by staff, an agent or a designer: speaks for the manufacturer.
    is_official = models.BooleanField(_("official"), default=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated"), auto_now=True)
    edited_at = models.DateTimeField(_("edited by its author"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["post", "created_at"], name="comment_post_created_idx")]

    def __str__(self):
        return f"{self.author} on {self.post_id}"


class Follow(models.Model):
    """The user is notified of the post's news (status changes, official answers)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_follows",
        verbose_name=_("user"),
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="follows", verbose_name=_("post")
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="follow_unique_user_post")
        ]

    def __str__(self):
        return f"{self.user} follows {self.post_id}"


class ProductFollow(models.Model):
    """The user follows a product's community: they hear of its new posts (not of every post's
    news: for those they follow the post)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_product_follows",
        verbose_name=_("user"),
    )
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.CASCADE,
        related_name="community_followers",
        verbose_name=_("product"),
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("community follow")
        verbose_name_plural = _("community follows")
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="productfollow_unique")
        ]

    def __str__(self):
        return f"{self.user} follows {self.product_id}"


class Flag(models.Model):
    """A user reports a post to the moderators; one flag per user per post."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Abusive or offensive")
        OFF_TOPIC = "off_topic", _("Off topic for this product")
        DUPLICATE = "duplicate", _("Duplicate of another post")
        DANGEROUS = "dangerous", _("Unsafe modification")
        OTHER = "other", _("Something else")

    class Resolution(models.TextChoices):
        OPEN = "", _("Awaiting review")
        UPHELD = "upheld", _("Upheld: the post was hidden")
        DISMISSED = "dismissed", _("Dismissed: the post stays")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_flags",
        verbose_name=_("reporter"),
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="flags", verbose_name=_("post")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    message = models.CharField(_("details"), max_length=500, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True, default=""
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["reporter", "post"], name="flag_unique_reporter_post")
        ]
        indexes = [
            models.Index(fields=["post"], condition=Q(resolution=""), name="flag_open_by_post_idx")
        ]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.post_id})"


class ReputationEvent(models.Model):
    """One line of the reputation ledger; a user's reputation is the sum of their lines (kept
    in UserReputation as it is written).

    Points per kind are in REPUTATION_POINTS (documented in docs/reputation.md).
    """

    class Kind(models.TextChoices):
        VOTE_RECEIVED = "vote_received", _("Vote received")
        VOTE_WITHDRAWN = "vote_withdrawn", _("Vote withdrawn")
        VOTES_MERGED_AWAY = "votes_merged_away", _("Votes moved to the original post")
        VOTES_MERGED_IN = "votes_merged_in", _("Votes received from a merged duplicate")
        IDEA_PLANNED = "idea_planned", _("Idea planned by designers")
        IDEA_ADOPTED = "idea_adopted", _("Idea adopted by designers")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reputation_events",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    points = models.IntegerField(_("points"))
    post = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reputation_events",
        verbose_name=_("post"),
    )
    # Who caused it (the voter, the designer …), when someone did.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caused by"),
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reputation event")
        verbose_name_plural = _("reputation events")
        indexes = [models.Index(fields=["user", "-created_at"], name="reputation_user_idx")]
        constraints = [
            # A post is planned or adopted once in its author's ledger, however often the
            # designers' workflow (or a retried task) reports it.
            models.UniqueConstraint(
                fields=["user", "post", "kind"],
                condition=Q(kind__in=["idea_planned", "idea_adopted"]),
                name="reputation_once_per_milestone",
            )
        ]

    def __str__(self):
        return f"{self.user} {self.points:+d} ({self.kind})"


class UserReputation(models.Model):
    """A user's reputation total: the sum of their ledger lines, kept by the service that writes
    each line, in the same transaction (services/reputation.py), so a page reads one row per
    author instead of summing their ledger. No row means 0. `check_consistency` compares it
    with the ledger and repairs it.

    A table of its own rather than a column on the user: the user row is read by every signed-in
    request and locked by sign-ins, and reputation is the communities' business, not accounts'.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reputation",
        verbose_name=_("user"),
    )
    points = models.IntegerField(_("points"), default=0)

    class Meta:
        verbose_name = _("reputation total")
        verbose_name_plural = _("reputation totals")

    def __str__(self):
        return f"{self.user_id}: {self.points}"


# Points per ledger event kind; docs/reputation.md explains them. Merges and withdrawals are
# computed from the vote points so the ledger always matches the votes a user's posts hold.
REPUTATION_POINTS = {
    ReputationEvent.Kind.VOTE_RECEIVED: 2,
    ReputationEvent.Kind.VOTE_WITHDRAWN: -2,
    ReputationEvent.Kind.IDEA_PLANNED: 10,
    ReputationEvent.Kind.IDEA_ADOPTED: 50,
}


class StatusChange(models.Model):
    """A post's status moved (open → under_review → planned → adopted | declined | duplicate).

    Written by the designers' workflow with its public message; also by a moderator's merge.
    """

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("post")
    )
    old_status = models.CharField(_("from"), max_length=20, choices=Post.Status.choices)
    new_status = models.CharField(_("to"), max_length=20, choices=Post.Status.choices)
    message = models.TextField(_("public message"), max_length=10000, blank=True)
    message_html = models.TextField(_("public message (HTML)"), blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="community_status_changes",
        verbose_name=_("changed by"),
    )
    adopted_in = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adoption_changes",
        verbose_name=_("adopted in"),
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["post", "created_at"], name="statuschange_post_idx")]

    def __str__(self):
        return f"{self.post_id}: {self.old_status} → {self.new_status}"


class Credit(models.Model):
    """A person credited for an idea a released generation shipped: the idea's author, and each
    author of a duplicate merged into it (a co-author; through merges of merges too).

    Written by the release (community/releases.py), once per person and idea; the changelog
    names them beside the idea and their community profile shows a badge per generation.
    """

    class Role(models.TextChoices):
        AUTHOR = "author", _("Author")
        CO_AUTHOR = "co_author", _("Co-author")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_credits",
        verbose_name=_("person"),
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="credits", verbose_name=_("idea")
    )
    # The generation that shipped the idea (the post's `adopted_in` when it was released).
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        related_name="idea_credits",
        verbose_name=_("shipped in"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # For a co-author: the duplicate they wrote, merged into the idea.
    via = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged duplicate"),
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        # "author" sorts before "co_author": the author is named first.
        ordering = ["role", "created_at", "id"]
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="credit_once_per_person_and_idea")
        ]

    def __str__(self):
        return f"{self.user} → {self.post_id} ({self.role})"

    @property
    def is_author(self) -> bool:
        return self.role == self.Role.AUTHOR

    @property
    def name(self) -> str:
        return self.user.public_name

    @property
    def url(self) -> str:
        """The credited person's community profile."""
        return reverse("community:profile", args=[self.user.username])
