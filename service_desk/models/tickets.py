"""A ticket, its number and its audit history (TicketEvent, append-only)."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cocreate.core.clock import ClockDateTimeField
from cocreate.core.search import SpacedHan

from .choices import SEARCH_CONFIG, Category, Priority, SlaState
from .mail import Channel


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
    # The customer deleted their account and the retention period passed: what they wrote on
    # the ticket was removed (services/anonymisation.py).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

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

    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    # The support mailbox whose mail opened the ticket: its replies go back to that address.
    mailbox = models.ForeignKey(
        "Mailbox",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("mailbox"),
    )
    # A reply by e-mail to a ticket closed longer than the reopen window opens a new ticket that
    # follows up the old one.
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    tags = models.ManyToManyField("Tag", blank=True, related_name="tickets", verbose_name=_("tags"))

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
            # A partner's demand page: tickets on a part's products in its related category
            # within a period (part_tickets.py).
            models.Index(
                fields=["product", "category", "created_at"], name="ticket_product_category_idx"
            ),
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
            # The queue's view counts (selectors.queue_view_counts): mine/unassigned, at risk
            # and breached among the active tickets, and what was solved lately.
            models.Index(
                fields=["assignee"],
                name="ticket_active_assignee_idx",
                condition=Q(status__in=["new", "open", "pending_customer"]),
            ),
            models.Index(
                fields=["sla_state"],
                name="ticket_active_sla_idx",
                condition=Q(status__in=["new", "open", "pending_customer"]),
            ),
            models.Index(
                fields=["resolved_at"],
                name="ticket_resolved_at_idx",
                condition=Q(resolved_at__isnull=False),
            ),
            models.Index(
                fields=["closed_at"],
                name="ticket_closed_at_idx",
                condition=Q(closed_at__isnull=False),
            ),
            # The "Recently solved" view's count (selectors.ticket_queue's solved_days): read from
            # the index alone, where either time on its own index visited every row.
            models.Index(
                Greatest("resolved_at", "closed_at"),
                name="ticket_solved_at_idx",
                include=["resolved_at", "closed_at"],
                condition=Q(status__in=["resolved", "closed"]),
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

    def may_become(self, status: str) -> bool:
        """Whether the ticket may end up in `status`: the one it has, or one of its
        Ticket.TRANSITIONS."""
        return status == self.status or status in self.TRANSITIONS[self.status]

    @property
    def can_be_rated(self) -> bool:
        return self.status == self.Status.RESOLVED and self.csat_score is None


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
        ANONYMISED = "anonymised", _("Anonymised")
        TAGGED = "tagged", _("Tag added")
        UNTAGGED = "untagged", _("Tag removed")
        MACRO = "macro", _("Macro applied")
        RULE_NOTIFIED = "rule_notified", _("Agents notified")
        RULE_SKIPPED = "rule_skipped", _("Rule skipped")
        RULE_LOOP = "rule_loop", _("Rule loop stopped")

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
    # The trigger rule that made this change, when one did (services/triggers.py).
    rule = models.CharField(_("by rule"), max_length=120, blank=True, default="")
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
