import html

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from modeltranslation.utils import build_localized_fieldname

from cocreate.core.i18n import localized_columns
from cocreate.core.markup import render_markdown
from cocreate.core.search import SpacedHan

from ..taxonomy import Capability, Certification, is_area_code

# Path segments under /partners/ that are pages, so no partner may take them as its slug.
RESERVED_SLUGS = frozenset(
    {"apply", "mine", "projects", "applications", "invitations", "new", "edit"}
)


def validate_partner_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved for a page of the directory; choose another slug."),
            params={"value": value},
            code="reserved",
        )


class PartnerKind(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    OEM = "oem", _("OEM")
    ALLIANCE = "alliance", _("Alliance company")
    LOGISTICS = "logistics", _("Logistics provider")
    FINANCIAL_SERVICE = "financial_service", _("Financial service provider")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    DEVELOPER = "developer", _("Developer")


def validate_area_code(value: str) -> None:
    if not is_area_code(value):
        raise ValidationError(
            _("%(value)s is neither an ISO 3166 country code nor a known region."),
            params={"value": value},
            code="invalid_area",
        )


def _capabilities_field():
    return ArrayField(
        models.CharField(max_length=40, choices=Capability.choices),
        verbose_name=_("capabilities"),
        default=list,
        blank=True,
    )


class PartnerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Partner.Status.ACTIVE)

    def visible_to(self, user):
        """Active partners, plus for members and staff the pending or suspended ones they may see."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        visible = models.Q(status=Partner.Status.ACTIVE)
        if user.is_authenticated:
            visible |= models.Q(pk__in=Membership.objects.filter(user=user).values("partner_id"))
        return self.filter(visible)


class Partner(models.Model):
    class Status(models.TextChoices):
        # Short status words mean other things elsewhere (a pending delivery, an active project).
        PENDING = "pending", pgettext_lazy("partner status", "Pending")
        ACTIVE = "active", pgettext_lazy("partner status", "Active")
        SUSPENDED = "suspended", pgettext_lazy("partner status", "Suspended")

    Kind = PartnerKind

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("slug"), max_length=160, unique=True, validators=[validate_partner_slug]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    country = CountryField(_("country"))
    regions_served = ArrayField(
        models.CharField(max_length=20, validators=[validate_area_code]),
        verbose_name=_("regions served"),
        default=list,
        blank=True,
        help_text=_("Countries (ISO 3166 codes) or named regions such as “eu” or “apac”."),
    )
    capabilities = _capabilities_field()
    certifications = ArrayField(
        models.CharField(max_length=20, choices=Certification.choices),
        verbose_name=_("certifications"),
        default=list,
        blank=True,
    )
    verified = models.BooleanField(
        _("verified"), default=False, help_text=_("Staff checked the organisation's identity.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    description_html = models.TextField(editable=False, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True)
    # The language the profile is written in (chosen by its members, else detected).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Each Han character is a token of its own, so Chinese is searchable (docs/search.md).
    search_vector = models.GeneratedField(
        # The description in every language (partners/translation.py).
        expression=SearchVector(SpacedHan("name"), weight="A", config="english")
        + SearchVector(
            *[SpacedHan(column) for column in localized_columns("description")],
            weight="B",
            config="english",
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="partner_name_unique_ci",
                violation_error_message=_("A partner with this name already exists."),
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="partner_search_gin"),
            GinIndex(fields=["capabilities"], name="partner_capabilities_gin"),
            GinIndex(fields=["certifications"], name="partner_certifications_gin"),
            GinIndex(fields=["regions_served"], name="partner_regions_gin"),
            models.Index(fields=["status", "kind"], name="partner_status_kind"),
            models.Index(fields=["status", "country"], name="partner_status_country"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:detail", args=[self.slug])

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED

    def render_descriptions(self) -> None:
        """Each language's description (partners/translation.py) rendered to its HTML."""
        for text, html_column in zip(
            localized_columns("description"), localized_columns("description_html"), strict=True
        ):
            setattr(self, html_column, render_markdown(getattr(self, text) or ""))

    def description_in(self, language: str, text: str) -> None:
        """Set the description written in `language` (a site language), whatever the active one."""
        setattr(self, build_localized_fieldname("description", language), text)
        self.render_descriptions()

    def plain_description(self) -> str:
        """The rendered description as plain text, for excerpts (no Markdown marks, no tags)."""
        return html.unescape(strip_tags(self.description_html)).strip()

    def capability_labels(self) -> list[str]:
        return [Capability(code).label for code in self.capabilities if code in Capability.values]

    def certification_labels(self) -> list[str]:
        return [
            Certification(code).label
            for code in self.certifications
            if code in Certification.values
        ]

    def region_names(self) -> list[str]:
        from ..taxonomy import area_name

        return [area_name(code) for code in self.regions_served]


class Supply(models.Model):
    """A partner supplies a catalog part (manufactures it, or distributes it)."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="supplies", verbose_name=_("partner")
    )
    part = models.ForeignKey(
        "products.Part", on_delete=models.CASCADE, related_name="supplies", verbose_name=_("part")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["part__name"]
        verbose_name = _("supply")
        verbose_name_plural = _("supplies")
        constraints = [
            models.UniqueConstraint(fields=["partner", "part"], name="supply_unique_partner_part")
        ]

    def __str__(self):
        return f"{self.partner} → {self.part}"


class Provision(models.Model):
    """A partner provides a value-added service (financing, insurance, installation …)."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="provisions", verbose_name=_("partner")
    )
    service = models.ForeignKey(
        "products.ValueAddedService",
        on_delete=models.CASCADE,
        related_name="provisions",
        verbose_name=_("service"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["service__name"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "service"], name="provision_unique_partner_service"
            )
        ]

    def __str__(self):
        return f"{self.partner} → {self.service}"


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_memberships",
        verbose_name=_("user"),
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("partner")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["partner__name", "role", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "partner"], name="membership_unique_user")
        ]

    def __str__(self):
        return f"{self.user} @ {self.partner} ({self.role})"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


class Invitation(models.Model):
    """An owner invites someone by e-mail; the link carries a secret token."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("partner")
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                "partner",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True),
                name="invitation_one_open_per_email",
                violation_error_message=_("This address already has an open invitation."),
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.partner}"

    def get_absolute_url(self):
        return reverse("partners:invitation", args=[self.token])

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class Application(models.Model):
    """A signed-in user asks to list their organisation; staff approve or reject it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_applications",
        verbose_name=_("applicant"),
    )
    name = models.CharField(_("organisation name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    country = CountryField(_("country"))
    capabilities = _capabilities_field()
    description = models.TextField(_("description"), max_length=5000, blank=True)
    description_html = models.TextField(editable=False, blank=True)
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decision_message = models.TextField(_("decision message"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    partner = models.OneToOneField(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("partner"),
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("partner application")
        verbose_name_plural = _("partner applications")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=models.Q(status="pending"),
                name="application_one_pending_per_name",
                violation_error_message=_("An application for this organisation is under review."),
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="application_queue")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:application_review", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def capability_labels(self) -> list[str]:
        return [Capability(code).label for code in self.capabilities if code in Capability.values]
