"""Collaboration projects and the work in them: who was invited, updates, milestones and files.

A partner is on a project (`CollaborationProject.partners`) only once one of its owners accepted
the project's invitation; until then it is only a `ProjectInvitation`. Updates, milestones and
files are private to the project's partners and the manufacturer's staff (docs/partners.md).
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cocreate.core.media import PrivateStorage

from .directory import Partner


def _someone(verbose_name):
    """A person who did something here; their account's deletion leaves the row without them."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


def _organisation():
    """The organisation someone wrote or shared for; empty for the manufacturer's staff."""
    return models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )


class CollaborationProject(models.Model):
    class Kind(models.TextChoices):
        JOINT_RND = "joint_rnd", _("Joint R&D")
        SUPPLY = "supply", _("Supply")
        CO_MARKETING = "co_marketing", _("Co-marketing")
        EDUCATION = "education", _("Education")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("project status", "Planned")
        ACTIVE = "active", pgettext_lazy("project status", "Active")
        COMPLETED = "completed", pgettext_lazy("project status", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("project status", "Cancelled")

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=170, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    # A public project's summary, description and outcomes are on the directory for everyone;
    # a private one is seen only by its partners' members and staff. The work (updates,
    # milestones, files) is never public.
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Everyone may read the summary and outcomes of a public project."),
    )
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    description_html = models.TextField(editable=False, blank=True)
    outcomes = models.TextField(
        _("outcomes"),
        max_length=10000,
        blank=True,
        help_text=_("What the project produced: results, publications, products. Markdown."),
    )
    outcomes_html = models.TextField(editable=False, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # The partners that accepted (or started the project): never one only invited.
    partners = models.ManyToManyField(Partner, related_name="projects", verbose_name=_("partners"))
    products = models.ManyToManyField(
        "products.Product",
        related_name="collaboration_projects",
        blank=True,
        verbose_name=_("products"),
    )
    created_by = _someone(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-start_date", "-created_at"]
        verbose_name = _("collaboration project")
        verbose_name_plural = _("collaboration projects")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partners:project_detail", args=[self.slug])


class ProjectInvitation(models.Model):
    """A partner asked to join a project; it joins only when one of its owners accepts."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("project invitation", "Waiting for an answer")
        ACCEPTED = "accepted", pgettext_lazy("project invitation", "Accepted")
        DECLINED = "declined", pgettext_lazy("project invitation", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("project invitation", "Withdrawn")

    project = models.ForeignKey(
        CollaborationProject,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("project"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="project_invitations",
        verbose_name=_("partner"),
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    invited_by = _someone(_("invited by"))
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    decided_by = _someone(_("answered by"))
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project invitation")
        verbose_name_plural = _("project invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "partner"],
                condition=models.Q(status="pending"),
                name="project_invitation_one_open",
                violation_error_message=_("This partner already has an open invitation."),
            )
        ]
        indexes = [
            models.Index(fields=["partner", "status"], name="project_invitation_partner"),
        ]

    def __str__(self):
        return f"{self.partner} → {self.project}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class ProjectUpdate(models.Model):
    """News from the work, in Markdown, in the language its writer wrote it in."""

    project = models.ForeignKey(
        CollaborationProject,
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=_("project"),
    )
    author = _someone(_("author"))
    partner = _organisation()
    body = models.TextField(_("update"), max_length=10000)
    body_html = models.TextField(editable=False, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")
        indexes = [models.Index(fields=["project", "-created_at"], name="project_update_recent")]

    def __str__(self):
        return f"{self.project}: {self.body[:40]}"


class Milestone(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("milestone", "Planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("milestone", "In progress")
        DONE = "done", pgettext_lazy("milestone", "Done")
        CANCELLED = "cancelled", pgettext_lazy("milestone", "Cancelled")

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    project = models.ForeignKey(
        CollaborationProject,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("project"),
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    # A moment, not a day: partners in several time zones each read it in their own.
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    created_by = _someone(_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = _someone(_("done by"))
    # When the partners' members were told it is due: once per milestone (and again if its
    # due time moves).
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            models.Index(fields=["project", "due_at"], name="milestone_project_due"),
            models.Index(
                fields=["due_at"],
                condition=models.Q(status__in=["planned", "in_progress"], reminded_at__isnull=True),
                name="milestone_to_remind",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


project_file_storage = PrivateStorage("project_files")


def _project_file_storage():
    """ProjectFile.file's storage (the migration names this callable)."""
    return project_file_storage


def project_file_path(instance, filename: str) -> str:
    """projects/<project>/<random>/<name>: unique before the file is written."""
    return f"projects/{instance.project_id}/{secrets.token_hex(8)}/{Path(filename).name}"


class ProjectFile(models.Model):
    """A file shared in a project: private, served only by a permission-checked view."""

    project = models.ForeignKey(
        CollaborationProject,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name=_("project"),
    )
    uploaded_by = _someone(_("shared by"))
    partner = _organisation()
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("milestone"),
    )
    file = models.FileField(_("file"), upload_to=project_file_path, storage=_project_file_storage)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("shared"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project file")
        verbose_name_plural = _("project files")
        indexes = [models.Index(fields=["project", "-created_at"], name="project_file_recent")]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("partners:project_file", args=[self.project.slug, self.pk])
