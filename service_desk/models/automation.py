"""What agents use to work on many tickets alike: tags, and macros (a reply and changes to the
ticket applied in one click)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cocreate.core.clock import ClockDateTimeField

from ..permissions import is_desk_agent
from ..placeholders import validate_placeholders
from .choices import Category, Priority
from .mail import Channel
from .tickets import Ticket


class Tag(models.Model):
    """A label agents put on tickets ("battery", "refund"); names are unique ignoring case."""

    name = models.CharField(_("name"), max_length=50)
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_unique_name_ci")]

    def __str__(self):
        return self.name


class Macro(models.Model):
    """A named action shared by the desk: a reply (with placeholders, services/macros.py fills
    them) and the status, priority, assignee and tags it sets, applied in one click. What is
    left empty stays as it is on the ticket."""

    class Assign(models.TextChoices):
        LEAVE = "", _("Leave as it is")
        ME = "me", _("The agent who applies it")
        NOBODY = "nobody", _("Nobody")
        AGENT = "agent", _("A chosen agent")

    title = models.CharField(_("title"), max_length=120, unique=True)
    reply = models.TextField(
        _("reply"),
        max_length=10000,
        blank=True,
        help_text=_(
            "Markdown. Placeholders: {customer}, {ticket}, {subject}, {product}, {serial}, "
            "{agent}. Leave empty for a macro that only changes the ticket."
        ),
    )
    set_status = models.CharField(
        _("set the status to"), max_length=20, choices=Ticket.Status.choices, blank=True
    )
    set_priority = models.PositiveSmallIntegerField(
        _("set the priority to"), choices=Priority.choices, null=True, blank=True
    )
    assign = models.CharField(
        _("assign to"), max_length=10, choices=Assign.choices, default=Assign.LEAVE, blank=True
    )
    assign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    add_tags = models.ManyToManyField(Tag, blank=True, related_name="+", verbose_name=_("add tags"))
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        try:
            validate_placeholders(self.reply)
        except ValidationError as error:
            errors["reply"] = error.messages
        if self.assign == self.Assign.AGENT and self.assign_to_id is None:
            errors["assign_to"] = [_("Choose the agent this macro assigns tickets to.")]
        if errors:
            raise ValidationError(errors)


class TriggerRule(models.Model):
    """A rule staff set up in the admin: when a ticket is filed (or changed) and every condition
    holds, its actions run in the same transaction (services/triggers.py). An empty condition
    holds for every ticket; rules run in `position` order."""

    class Event(models.TextChoices):
        CREATED = "created", _("A ticket is filed")
        UPDATED = "updated", _("A ticket is changed")

    name = models.CharField(_("name"), max_length=120, unique=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Rules run from the lowest position up.")
    )
    event = models.CharField(_("when"), max_length=10, choices=Event.choices, default=Event.CREATED)
    # Conditions: every one that is set must hold.
    category = models.CharField(
        _("category is"), max_length=32, choices=Category.choices, blank=True
    )
    priority = models.PositiveSmallIntegerField(
        _("priority is"), choices=Priority.choices, null=True, blank=True
    )
    language = models.CharField(
        _("language is"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The customer's language, or when they have not chosen one, the language of the "
            "mailbox their e-mail came to."
        ),
    )
    channel = models.CharField(_("came in by"), max_length=10, choices=Channel.choices, blank=True)
    subject_words = models.CharField(
        _("subject contains any of"),
        max_length=500,
        blank=True,
        help_text=_(
            "Words separated by commas, ignoring case: “battery, 电池, won't charge”. Chinese "
            "words match anywhere in the subject, others as whole words."
        ),
    )
    # Actions.
    assign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assign to"),
    )
    set_priority = models.PositiveSmallIntegerField(
        _("set the priority to"), choices=Priority.choices, null=True, blank=True
    )
    add_tags = models.ManyToManyField(Tag, blank=True, related_name="+", verbose_name=_("add tags"))
    notify_assignee = models.BooleanField(_("notify the assignee"), default=False)
    notify_agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("notify these agents"),
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("trigger rule")
        verbose_name_plural = _("trigger rules")

    def __str__(self):
        return self.name

    def words(self) -> list[str]:
        return [word.strip() for word in self.subject_words.split(",") if word.strip()]

    def clean(self):
        if self.assign_to_id and not is_desk_agent(self.assign_to):
            raise ValidationError({"assign_to": [_("Tickets can only be assigned to agents.")]})


class TriggerRuleProduct(models.Model):
    """A product a rule's condition names. A deleted product leaves the row with no product, so
    the rule is skipped (and the admin says why) instead of matching every product."""

    rule = models.ForeignKey(TriggerRule, on_delete=models.CASCADE, related_name="products")
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("product"),
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("product is any of")
        constraints = [
            models.UniqueConstraint(fields=["rule", "product"], name="trigger_rule_product_unique")
        ]

    def __str__(self):
        return self.product.name if self.product else gettext("(deleted product)")
