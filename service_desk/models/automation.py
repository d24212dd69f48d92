"""What agents use to work on many tickets alike: tags, and macros (a reply and changes to the
ticket applied in one click)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from cocreate.core.clock import ClockDateTimeField

from ..placeholders import validate_placeholders
from .choices import Priority
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
