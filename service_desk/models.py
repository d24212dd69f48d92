"""Tickets and everything around them: messages, audit, SLAs, knowledge base, shipments."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cocreate.core.clock import ClockDateTimeField
from cocreate.core.search import SpacedHan

SEARCH_CONFIG = "english"


class Category(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    TECHNICAL_SUPPORT = "technical_support", _("Technical support")
    UPGRADE_MAINTENANCE = "upgrade_maintenance", _("Upgrade and maintenance")
    LOGISTICS = "logistics", _("Logistics")


class Priority(models.IntegerChoices):
    """Stored as a number so "most urgent first" is a plain descending sort."""

    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")


def ticket_number(pk: int) -> str:
    """The number the database computes for ticket `pk` (Ticket.number): T-000123, T-1234567."""
    return f"T-{pk:06d}"


class TicketQuerySet(models.QuerySet):
    def active(self):
        """Tickets someone still has to work on (the SLA clock may be running)."""
        return self.filter(status__in=Ticket.ACTIVE_STATUSES)

    def most_urgent_first(self):
        return self.order_by(
            "-priority",
            models.F("resolution_due_at").asc(nulls_last=True),
            "created_at",
            "id",
        )


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING_CUSTOMER = "pending_customer", _("Waiting for the customer")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING_CUSTOMER)
    # Every allowed status change; anything else is refused by ticket_change_status.
    TRANSITIONS = {
        Status.NEW: {Status.OPEN, Status.PENDING_CUSTOMER, Status.RESOLVED, Status.CLOSED},
        Status.OPEN: {Status.PENDING_CUSTOMER, Status.RESOLVED, Status.CLOSED},
        Status.PENDING_CUSTOMER: {Status.OPEN, Status.RESOLVED, Status.CLOSED},
        Status.RESOLVED: {Status.OPEN, Status.CLOSED},
        Status.CLOSED: {Status.OPEN},
    }

    # "T-000123", computed by the database from the primary key: unique and never reused. At
    # least six digits, never fewer than the id has (lpad alone would cut T-1000001 to T-100000).
    number = models.GeneratedField(
        expression=RawSQL("'T-' || lpad(id::text, greatest(6, length(id::text)), '0')", ()),
        output_field=models.CharField(max_length=20),
        db_persist=True,
        verbose_name=_("number"),
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("customer"),
    )
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("product"),
    )
    registration = models.ForeignKey(
        "products.Registration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("registered unit"),
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), max_length=20000)
    description_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = ClockDateTimeField(_("updated"), auto_now=True)

    # SLA targets are copied from the policy at creation, so editing a policy later does not
    # move the goalposts of tickets already filed. Due and warning times move forward by the
    # time spent waiting for the customer.
    sla_policy = models.ForeignKey(
        "SlaPolicy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("SLA policy"),
    )
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    sla_state = models.CharField(
        _("SLA"), max_length=10, choices=SlaState.choices, default=SlaState.ON_TRACK
    )
    sla_breached_at = models.DateTimeField(_("SLA breached"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    paused_at = models.DateTimeField(
        _("SLA clock paused since"),
        null=True,
        blank=True,
        help_text=_("Set while the ticket waits for the customer."),
    )
    paused_seconds = models.PositiveIntegerField(_("seconds paused"), default=0)

    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    csat_score = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    csat_comment = models.TextField(_("satisfaction comment"), max_length=2000, blank=True)
    csat_rated_at = models.DateTimeField(_("rated"), null=True, blank=True)

    # Escalation to the product team: the community post this problem belongs to. Linked tickets
    # count in the post's score: apps.py registers this key with community/links.py.
    linked_post = models.ForeignKey(
        "community.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="linked_tickets",
        verbose_name=_("linked community post"),
    )

    # Each Han character is a token of its own, so Chinese is searchable (docs/search.md).
    search_vector = models.GeneratedField(
        expression=SearchVector(SpacedHan("subject"), weight="A", config=SEARCH_CONFIG)
        + SearchVector(SpacedHan("description"), weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            GinIndex(fields=["search_vector"], name="ticket_search_gin"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_idx"),
            models.Index(fields=["status", "assignee"], name="ticket_status_assignee_idx"),
            # The queue's default order, and what take-next scans.
            models.Index(
                models.F("priority").desc(),
                models.F("resolution_due_at").asc(nulls_last=True),
                "created_at",
                name="ticket_urgency_idx",
                condition=Q(status__in=["new", "open", "pending_customer"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="ticket_unique_number"),
            models.CheckConstraint(
                condition=Q(csat_score__isnull=True) | Q(csat_score__gte=1, csat_score__lte=5),
                name="ticket_csat_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    def get_absolute_url(self):
        return reverse("service_desk:ticket_detail", args=[self.number])

    def get_desk_url(self):
        return reverse("service_desk:desk_ticket", args=[self.number])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def can_be_rated(self) -> bool:
        return self.status == self.Status.RESOLVED and self.csat_score is None


def sla_running() -> Q:
    """Tickets whose SLA clock runs: new or open, not paused (waiting for the customer)."""
    return Q(status__in=(Ticket.Status.NEW, Ticket.Status.OPEN), paused_at__isnull=True)


def sla_overdue(now) -> Q:
    """Tickets with a target unmet past its due time at `now`: with a running clock, a breach,
    whether or not the SLA job (services.sla_check) has marked it yet."""
    return Q(first_responded_at__isnull=True, first_response_due_at__lte=now) | Q(
        resolved_at__isnull=True, resolution_due_at__lte=now
    )


class TicketMessage(models.Model):
    """A public reply (customer or agent) or an internal note (agents only, never shown to customers)."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ticket_messages",
        verbose_name=_("author"),
    )
    internal = models.BooleanField(_("internal note"), default=False)
    body = models.TextField(_("message"), max_length=20000)
    body_html = models.TextField(editable=False)
    created_at = ClockDateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self):
        return f"{self.ticket_id}: {self.body[:40]}"


class _PrivateStorage(LazyObject):
    """Attachments live outside MEDIA_ROOT: /media/ is public, attachments are not."""

    def _setup(self):
        self._wrapped = FileSystemStorage(
            location=settings.SERVICE_DESK_ATTACHMENT_ROOT, base_url=None
        )


private_storage = _PrivateStorage()


def _private_storage():
    return private_storage


def attachment_path(instance, filename: str) -> str:
    """tickets/<ticket>/<random>/<name>: unique before the file exists, as the file is written
    only after the transaction commits (services._save_attachments)."""
    return f"tickets/{instance.ticket_id}/{secrets.token_hex(8)}/{Path(filename).name}"


class TicketAttachment(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ticket")
    )
    message = models.ForeignKey(
        TicketMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=_private_storage)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = ClockDateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("service_desk:attachment", args=[self.ticket.number, self.pk])

    @property
    def internal(self) -> bool:
        return bool(self.message_id) and self.message.internal


class TicketEvent(models.Model):
    """One line of a ticket's audit history. Rows are only ever added.

    The database enforces it (migrations 0002 and 0005): an UPDATE is refused, and so is a
    DELETE, unless the event's ticket is deleted in the same transaction. Deleting a ticket
    (the admin, an erasure request) removes its history with it: Django deletes the events
    first, in Python, then the ticket, so the DELETE check is a deferred constraint trigger that
    looks at commit time whether the ticket is still there. Removing single lines would make
    the history lie, and rewriting them is refused too: the demo seed writes each event once,
    with its story's time (seed.py), instead of re-writing them.

    `actor` is PROTECT, not SET_NULL: the history says who did what, which clearing the column
    would erase (and the trigger refuses). A user who acted on a ticket cannot be deleted (the
    admin lists the events in the way); deactivate the account instead. Their messages are
    protected the same way. Events of the SLA job have no actor.
    """

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("ticket event", "Created")
        STATUS = "status", _("Status changed")
        PRIORITY = "priority", _("Priority changed")
        CATEGORY = "category", _("Category changed")
        ASSIGNEE = "assignee", _("Assignee changed")
        REPLY = "reply", _("Public reply")
        NOTE = "note", _("Internal note")
        SLA_AT_RISK = "sla_at_risk", _("SLA at risk")
        SLA_BREACHED = "sla_breached", pgettext_lazy("ticket event", "SLA breached")
        ESCALATED = "escalated", _("Escalated")
        SHIPMENT = "shipment", _("Shipment")
        RATED = "rated", _("Rated")
        LINKED_POST = "linked_post", _("Linked to a post")
        ARTICLE = "article", _("Turned into an article")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    old_value = models.CharField(_("from"), max_length=200, blank=True)
    new_value = models.CharField(_("to"), max_length=200, blank=True)
    internal = models.BooleanField(default=False)
    created_at = ClockDateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self):
        # Listed by the admin when it refuses to delete the actor: which ticket, what, when.
        when = self.created_at.date().isoformat() if self.created_at else ""
        return f"{ticket_number(self.ticket_id)} · {self.get_kind_display()} · {when}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ticket events are append-only.")
        super().save(*args, **kwargs)


class CannedResponse(models.Model):
    """A reply agents reuse. `{customer}` and `{ticket}` are replaced when it is inserted."""

    title = models.CharField(_("title"), max_length=120, unique=True)
    body = models.TextField(_("text"), max_length=10000)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self):
        return self.title

    def render_for(self, ticket: Ticket) -> str:
        return self.body.replace("{customer}", ticket.customer.public_name).replace(
            "{ticket}", ticket.number
        )


class SlaPolicy(models.Model):
    """First-response and resolution targets for a priority, optionally only in one category.

    A ticket takes the policy of its priority and category, else the one of its priority for
    every category (empty category), else none.
    """

    name = models.CharField(_("name"), max_length=120)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    category = models.CharField(
        _("category"),
        max_length=32,
        choices=Category.choices,
        blank=True,
        help_text=_("Empty: every category without a policy of its own."),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (minutes)"), validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["-priority", "category"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "category"], name="slapolicy_unique_priority_category"
            )
        ]

    def __str__(self):
        return self.name


class KnowledgeArticle(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="knowledge_articles",
        verbose_name=_("product"),
        help_text=_("Empty: applies to every product."),
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    body = models.TextField(_("text"), max_length=50000, help_text=_("Markdown."))
    body_html = models.TextField(editable=False)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # One article in several languages: each translation points at the original, which points
    # at nothing. Readers see the version in their language first.
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="knowledge_articles",
        verbose_name=_("author"),
    )
    source_ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("written from ticket"),
    )
    helpful_count = models.PositiveIntegerField(_("helpful"), default=0)
    not_helpful_count = models.PositiveIntegerField(_("not helpful"), default=0)
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    search_vector = models.GeneratedField(
        expression=SearchVector(SpacedHan("title"), weight="A", config=SEARCH_CONFIG)
        + SearchVector(SpacedHan("body"), weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("knowledge-base article")
        verbose_name_plural = _("knowledge-base articles")
        indexes = [
            GinIndex(fields=["search_vector"], name="article_search_gin"),
            models.Index(fields=["status", "product"], name="article_status_product_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                name="article_one_translation_per_language",
                violation_error_message=_("This article already has a version in this language."),
            ),
            models.CheckConstraint(
                condition=~Q(translation_of=models.F("pk")),
                name="article_not_translation_of_itself",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("service_desk:kb_article", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def original_id(self) -> int:
        """The id shared by every language version of this article (its original's)."""
        return self.translation_of_id or self.pk


class ArticleVote(models.Model):
    article = models.ForeignKey(
        KnowledgeArticle, on_delete=models.CASCADE, related_name="votes", verbose_name=_("article")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="article_votes",
        verbose_name=_("user"),
    )
    helpful = models.BooleanField(_("helpful"))
    created_at = ClockDateTimeField(_("voted"), auto_now=True)

    class Meta:
        verbose_name = _("article vote")
        verbose_name_plural = _("article votes")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="articlevote_unique_user")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.article_id}: {self.helpful}"


class Deflection(models.Model):
    """A customer who read a suggested article instead of filing a ticket."""

    article = models.ForeignKey(
        KnowledgeArticle,
        on_delete=models.CASCADE,
        related_name="deflections",
        verbose_name=_("article"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    query = models.CharField(_("what they typed"), max_length=300, blank=True)
    created_at = ClockDateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")

    def __str__(self):
        return f"{self.article_id} @ {self.created_at:%Y-%m-%d}"


class Shipment(models.Model):
    """A parcel moving for a ticket: the customer's unit coming in, or a repair or part going out."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("From the customer to us")
        OUTBOUND = "outbound", _("From us to the customer")

    class Status(models.TextChoices):
        LABEL_CREATED = "label_created", _("Label created")
        IN_TRANSIT = "in_transit", _("In transit")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        DELIVERED = "delivered", _("Delivered")
        EXCEPTION = "exception", _("Delivery problem")
        RETURNED = "returned", _("Returned to sender")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("ticket")
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    carrier = models.CharField(_("carrier"), max_length=80)
    tracking_number = models.CharField(_("tracking number"), max_length=80)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.LABEL_CREATED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="shipment_unique_tracking"
            )
        ]

    def __str__(self):
        return f"{self.carrier} {self.tracking_number}"


class ShipmentUpdate(models.Model):
    """One status of a shipment, with an optional note; the customer sees them all."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="history", verbose_name=_("shipment")
    )
    status = models.CharField(_("status"), max_length=20, choices=Shipment.Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = ClockDateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("shipment update")
        verbose_name_plural = _("shipment updates")

    def __str__(self):
        return f"{self.shipment_id}: {self.status}"
