from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cocreate.core.i18n import known_time_zones
from cocreate.core.media import PrivateStorage

from .role_cache import cached_role_names, remember_role_names
from .roles import Role


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class User(AbstractUser):
    """A person using CoCreate; what they may do comes from their roles (groups) and is_staff."""

    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    bio = models.TextField(_("about me"), max_length=2000, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Pages and e-mails use this language. Empty: the browser's choice."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    # Set when the person deleted their account: the row stays, anonymised and deactivated, so
    # their posts, comments, votes and tickets keep it (services.account_delete).
    erased_at = models.DateTimeField(_("account deleted"), null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.public_name

    @property
    def is_former_member(self) -> bool:
        """The account was deleted: what it wrote stays, shown as "a former member"."""
        return self.erased_at is not None

    @property
    def public_name(self) -> str:
        """The name pages, e-mails and the API show for this person."""
        if self.is_former_member:
            return gettext("a former member")
        return self.display_name or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The names of this user's groups, read once per instance, from the cache when it has
        them (role_cache.py: a change of groups shows at once)."""
        if not self.pk:
            return frozenset()
        names = cached_role_names(self.pk)
        if names is None:
            names = frozenset(self.groups.values_list("name", flat=True))
            remember_role_names(self.pk, names)
        return names

    @property
    def role_labels(self) -> list[str]:
        """The translated names of this user's roles, for badges (groups that are not roles left out)."""
        return sorted(str(Role(name).label) for name in self.role_names if name in Role.values)

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of `roles`."""
        return any(role in self.role_names for role in roles)

    @property
    def is_customer(self) -> bool:
        return self.has_role(Role.CUSTOMER)

    @property
    def is_agent(self) -> bool:
        return self.has_role(Role.AGENT)

    @property
    def is_designer(self) -> bool:
        return self.has_role(Role.DESIGNER)

    @property
    def is_partner_member(self) -> bool:
        return self.has_role(Role.PARTNER_MEMBER)

    @property
    def is_team_member(self) -> bool:
        """Speaks for the manufacturer: staff, agents and designers (official answers, moderation)."""
        return self.is_staff or self.has_role(Role.AGENT, Role.DESIGNER)


class ApiToken(models.Model):
    """A named key an integration sends as `Authorization: Token <key>`.

    Only the key's SHA-256 is stored: the key is shown once, when it is made. A user holds
    several (one per integration) and revokes each on their profile page.
    """

    MAX_PER_USER = 20

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    # The key's first characters, so the owner can tell which token an integration uses.
    prefix = models.CharField(_("starts with"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="apitoken_unique_name")
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


data_export_storage = PrivateStorage("data_exports")


def _data_export_storage():
    """DataExport.file's storage (the migration names this callable)."""
    return data_export_storage


class DataExport(models.Model):
    """A ZIP of everything CoCreate keeps about a person, built by a Celery job.

    Its link is e-mailed to the person once the ZIP is ready; it works once, until `expires_at`,
    and only for them. Only the SHA-256 of the link's token is stored.
    """

    LINK_VALIDITY = timedelta(hours=24)

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("data export", "Waiting")
        RUNNING = "running", pgettext_lazy("data export", "Being built")
        READY = "ready", pgettext_lazy("data export", "Ready")
        FAILED = "failed", pgettext_lazy("data export", "Failed")

    IN_PROGRESS = (Status.PENDING, Status.RUNNING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
        verbose_name=_("person"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), storage=_data_export_storage, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    used_at = models.DateTimeField(_("downloaded"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        indexes = [models.Index(fields=["user", "-created_at"], name="dataexport_user_idx")]
        constraints = [
            # One export in progress per person: a second request waits for the first.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["pending", "running"]),
                name="dataexport_one_in_progress",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else ""

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    def link_state(self, now=None) -> str:
        """ "" while the link works; else "used", "expired" or "none" (not ready)."""
        now = now or timezone.now()
        if self.status != self.Status.READY:
            return "none"
        if self.used_at:
            return "used"
        if self.expires_at is None or self.expires_at <= now:
            return "expired"
        return ""


class AuditLogEntry(models.Model):
    """Who did what with whose personal data, and when. Rows are only ever added (the admin shows
    them read-only)."""

    class Action(models.TextChoices):
        EXPORT_REQUESTED = "export_requested", _("Data export requested")
        EXPORT_DOWNLOADED = "export_downloaded", _("Data export downloaded")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted")
        TICKETS_ANONYMISED = "tickets_anonymised", _("Tickets anonymised")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty: a periodic job."),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("whose data"),
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["subject", "-created_at"], name="auditlog_subject_idx")]

    def __str__(self):
        return f"{self.get_action_display()} · {self.subject}"
