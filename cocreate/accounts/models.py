from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cocreate.core.i18n import known_time_zones

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

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The names of this user's groups, read once per instance."""
        if not self.pk:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

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
