"""What the desk's queue keeps: the views agents save from its filters, and the bulk actions
run on many tickets at once with each ticket's result."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cocreate.core.clock import ClockDateTimeField

from .choices import Priority
from .tickets import Ticket, ticket_number


class SavedView(models.Model):
    """A filter combination of the queue an agent named; private, or shared with the desk.

    `filters` is the queue form's query (each name → its list of values), kept as typed: when a
    product, tag or status it names goes away, the queue says so and applies the rest."""

    name = models.CharField(_("name"), max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_ticket_views",
        verbose_name=_("owner"),
    )
    shared = models.BooleanField(
        _("shared with the desk"), default=False, help_text=_("Every agent sees a shared view.")
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="saved_view_unique_name_ci")
        ]

    def __str__(self):
        return self.name

    def may_edit(self, user) -> bool:
        """Its owner; a shared view also staff."""
        return self.owner_id == user.pk or (self.shared and user.is_staff)


class BulkAction(models.Model):
    """One action an agent ran on many tickets: who, what, with which parameters, and each
    ticket's result (BulkActionItem). Run by the request for a few tickets, by a Celery job
    for more."""

    class Action(models.TextChoices):
        ASSIGN = "assign", _("Assign")
        STATUS = "status", _("Change the status")
        PRIORITY = "priority", _("Change the priority")
        TAG = "tag", _("Add a tag")
        MACRO = "macro", _("Apply a macro")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # What the action sets, e.g. {"assignee": 12} or {"status": "resolved"}; "summary" is how
    # the page names it ("Assign to Sam").
    parameters = models.JSONField(_("parameters"), default=dict)
    total = models.PositiveIntegerField(_("tickets"), default=0)
    done_count = models.PositiveIntegerField(_("done"), default=0)
    refused_count = models.PositiveIntegerField(_("refused"), default=0)
    created_at = ClockDateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bulk action")
        verbose_name_plural = _("bulk actions")

    def __str__(self):
        return f"{self.get_action_display()} · {self.total}"

    def get_absolute_url(self):
        return reverse("service_desk:desk_bulk", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def summary(self) -> str:
        """What was done, in words: "Assign to Sam", "Status: Resolved" …"""
        parameters = self.parameters
        if self.action == self.Action.ASSIGN:
            name = parameters.get("assignee_name")
            return _("Assign to %(name)s") % {"name": name} if name else _("Unassign")
        if self.action == self.Action.STATUS:
            return _("Status: %(status)s") % {"status": Ticket.Status(parameters["status"]).label}
        if self.action == self.Action.PRIORITY:
            return _("Priority: %(priority)s") % {
                "priority": Priority(parameters["priority"]).label
            }
        if self.action == self.Action.TAG:
            return _("Add the tag “%(tag)s”") % {"tag": parameters["tag"]}
        return _("Apply the macro “%(title)s”") % {"title": parameters.get("macro_title", "")}


class BulkActionItem(models.Model):
    """One ticket of a bulk action: pending until the action was tried on it, then done or
    refused (with the reason). Written in the same transaction as the ticket's change, so a
    job delivered twice never applies the action to a ticket twice."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    bulk_action = models.ForeignKey(BulkAction, on_delete=models.CASCADE, related_name="items")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bulk_action", "ticket"], name="bulk_action_item_unique_ticket"
            )
        ]
        indexes = [models.Index(fields=["bulk_action", "state"], name="bulk_item_state_idx")]

    def __str__(self):
        return f"{ticket_number(self.ticket_id)} · {self.get_state_display()}"
