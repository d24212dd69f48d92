"""The designers' workspace: who designs which product, what the surfacing job put in front of
them (ReviewItem), the job's own state, and polls attached to official evaluation posts.

Designers of a product: the users assigned to it in ProductTeam; a product with no assignment
belongs to every user with the designer role (see designers.selectors.product_designers).
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.models import Post

from .reasons import milestone_text, number, reason_code, reason_text, support_parts
from .scoring import current_points


class ProductTeam(models.Model):
    """A designer assigned to a product: they are notified of its surfaced posts."""

    product = models.ForeignKey(
        "products.Product",
        on_delete=models.CASCADE,
        related_name="design_team",
        verbose_name=_("product"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="design_assignments",
        verbose_name=_("designer"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("product team member")
        verbose_name_plural = _("product team members")
        constraints = [
            models.UniqueConstraint(fields=["product", "user"], name="productteam_unique_member")
        ]

    def __str__(self):
        return f"{self.user} → {self.product}"


class JobState(models.Model):
    """One row per periodic job: where the last complete run started (its incremental cursor)."""

    name = models.CharField(_("job"), max_length=60, unique=True)
    # Activity at or after this instant (minus an overlap) is rescored by the next run; it only
    # advances when a run completes, so a killed run is simply redone.
    last_started_at = models.DateTimeField(_("last complete run started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last complete run finished"), null=True, blank=True)
    # The scoring settings (half-life, epoch, weights) of the scores the last complete run left:
    # a run that finds them changed rescores every post, as a first run does.
    scored_with = models.CharField(_("scored with"), max_length=200, blank=True)
    last_rescored = models.PositiveIntegerField(_("posts rescored"), default=0)
    last_surfaced = models.PositiveIntegerField(_("items surfaced"), default=0)

    class Meta:
        verbose_name = _("job state")
        verbose_name_plural = _("job states")

    def __str__(self):
        return self.name


class ReviewItem(models.Model):
    """A post the surfacing job put in front of the product's designers; one per post.

    Two kinds of figures: why it surfaced, as it was then (`score`, `reasons`, each reason with
    its numbers), and what supports it now (`vote_count` … `support`), which the surfacing job
    keeps current for every item whose post had activity (designers/support.py)."""

    class State(models.TextChoices):
        NEW = "new", pgettext_lazy("review item state", "New")
        IN_REVIEW = "in_review", pgettext_lazy("review item state", "In review")
        DECIDED = "decided", pgettext_lazy("review item state", "Decided")

    class Reason(models.TextChoices):
        THRESHOLD = "threshold", _("Score above the threshold")
        TOP_N = "top_n", _("In the product's top posts")
        MILESTONE = "milestone", _("Reached a supporters milestone")

    post = models.OneToOneField(
        "community.Post",
        on_delete=models.CASCADE,
        related_name="review_item",
        verbose_name=_("post"),
    )
    # Copied from the post so the queue filters and the dashboard group without a join.
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.CASCADE,
        related_name="review_items",
        verbose_name=_("product"),
    )
    # Why it was surfaced, as measured when it was: the decayed points then, and each reason
    # with its figures: [{"code": "threshold", "points": 31.2, "threshold": 25},
    # {"code": "top_n", "rank": 2, "top_n": 5}, {"code": "milestone", "milestone": 50,
    # "votes": 53}] (items surfaced before 2026-12 lack what was not recorded then).
    score = models.FloatField(_("score when surfaced"))
    reasons = models.JSONField(_("reasons"), default=list)
    # Its support now (not decayed): kept current by the surfacing job's rescore step.
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    verified_vote_count = models.PositiveIntegerField(_("votes of verified owners"), default=0)
    commenter_count = models.PositiveIntegerField(
        _("commenters"), default=0, help_text=_("Members other than the author and the team.")
    )
    linked_ticket_count = models.PositiveIntegerField(_("linked tickets"), default=0)
    support = models.FloatField(_("support"), default=0)
    support_updated_at = models.DateTimeField(_("support counted"), null=True, blank=True)
    # The highest supporters milestone the post has reached, and when the job saw it reach it.
    milestone = models.PositiveIntegerField(_("supporters milestone"), default=0)
    milestone_at = models.DateTimeField(_("milestone reached"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_items",
        verbose_name=_("assignee"),
    )
    decision = models.CharField(_("decision"), max_length=20, blank=True)
    surfaced_at = models.DateTimeField(_("surfaced"), auto_now_add=True)
    # Set once the product's designers were notified; a run that died before is repaired by the
    # next one (the notification's dedupe key keeps it to one per designer).
    notified_at = models.DateTimeField(_("designers notified"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-support", "-id"]
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        indexes = [
            models.Index(fields=["-support", "-id"], name="reviewitem_support_idx"),
            models.Index(fields=["product", "-support", "-id"], name="reviewitem_prod_support_idx"),
            models.Index(
                fields=["id"], condition=Q(notified_at__isnull=True), name="reviewitem_unnotified"
            ),
            models.Index(fields=["-surfaced_at"], name="reviewitem_surfaced_idx"),
            models.Index(fields=["-milestone_at"], name="reviewitem_milestone_idx"),
            # The queue's "waiting longest" order (designers.selectors): undecided first.
            models.Index(
                Case(When(state="decided", then=Value(1)), default=Value(0)),
                "surfaced_at",
                "id",
                name="reviewitem_waiting_idx",
            ),
        ]

    def __str__(self):
        return f"{self.post_id} ({self.state})"

    def get_absolute_url(self):
        return reverse("designers:item", args=[self.pk])

    def current_points(self, *, now=None) -> float:
        """What the post is worth now (its trending score decayed to this moment), by which the
        trending sort ranks it; `score` is what it was worth when it surfaced."""
        return current_points(self.post.trending_score, now=now or timezone.now())

    @property
    def is_waiting(self) -> bool:
        return self.state != self.State.DECIDED

    def reason_codes(self) -> list[str]:
        return [reason_code(reason) for reason in self.reasons]

    def reason_labels(self) -> list[str]:
        """Short labels of the reasons (badges); `why()` says it with the figures."""
        labels = dict(self.Reason.choices)
        return [str(labels.get(code, code)) for code in self.reason_codes()]

    def reason_details(self) -> list[dict]:
        """The figures recorded with each reason (the stored dicts, without their code)."""
        return [
            {k: v for k, v in reason.items() if k != "code"} if isinstance(reason, dict) else {}
            for reason in self.reasons
        ]

    def why(self) -> list[tuple[str, str]]:
        """(code, sentence) per reason it surfaced, with the figures recorded then, in the
        active language: "31.2 points when it surfaced, over the threshold of 25"."""
        return [
            (reason_code(reason), reason_text(reason, product=self.product.name))
            for reason in self.reasons
        ]

    def support_display(self) -> str:
        """The support in the reader's number format ("42.5", "1,204")."""
        return number(self.support)

    def later_milestone(self) -> str:
        """The supporters milestone the idea reached after it surfaced, with its day ("" when
        none): "Since reached 100 supporters (3 Dec 2026)"."""
        if not (self.milestone and self.milestone_at and self.milestone_at > self.surfaced_at):
            return ""
        return milestone_text(self.milestone, since=self.milestone_at)

    def support_parts(self) -> list[tuple[str, str]]:
        """(part, its contribution) of `support`, in the active language, for the queue's
        breakdown: "22 votes × 1", "5 votes of verified owners × 3" …"""
        return support_parts(self)

    def decision_label(self) -> str:
        """The decided status in the reader's language (`decision` holds a post status code)."""
        labels = dict(Post.Status.choices)
        return str(labels.get(self.decision, self.decision))


class Poll(models.Model):
    """A question attached to an official evaluation post; customers answer once."""

    post = models.OneToOneField(
        "community.Post", on_delete=models.CASCADE, related_name="poll", verbose_name=_("post")
    )
    question = models.CharField(_("question"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self):
        return self.question


class PollChoice(models.Model):
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="choices", verbose_name=_("poll")
    )
    label = models.CharField(_("choice"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("poll choice")
        verbose_name_plural = _("poll choices")

    def __str__(self):
        return self.label


class PollAnswer(models.Model):
    """One per customer per poll (the constraint is what enforces it)."""

    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="answers", verbose_name=_("poll")
    )
    choice = models.ForeignKey(
        PollChoice, on_delete=models.CASCADE, related_name="answers", verbose_name=_("choice")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="poll_answers",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], name="pollanswer_one_per_user")
        ]

    def __str__(self):
        return f"{self.user} → {self.choice_id}"
