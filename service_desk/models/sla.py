"""SLA policies, and which tickets' SLA clocks run or are overdue."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Category, Priority
from .tickets import Ticket


def sla_running() -> Q:
    """Tickets whose SLA clock runs: new or open, not paused (waiting for the customer)."""
    return Q(status__in=(Ticket.Status.NEW, Ticket.Status.OPEN), paused_at__isnull=True)


def sla_overdue(now) -> Q:
    """Tickets with a target unmet past its due time at `now`: with a running clock, a breach,
    whether or not the SLA job (services.sla_check) has marked it yet."""
    return Q(first_responded_at__isnull=True, first_response_due_at__lte=now) | Q(
        resolved_at__isnull=True, resolution_due_at__lte=now
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
