from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from cocreate.core.markdown import render_markdown

from .models import (
    Application,
    CollaborationProject,
    Invitation,
    Membership,
    Partner,
    Provision,
    Supply,
)
from .taxonomy import Capability, Certification, area_choices


def _https_urls(db_field, **kwargs):
    """Model form fields as usual, with web addresses typed without a scheme read as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class PartnerAdminForm(forms.ModelForm):
    regions_served = forms.MultipleChoiceField(
        label=_("Regions served"), required=False, choices=area_choices
    )
    capabilities = forms.MultipleChoiceField(
        label=_("Capabilities"),
        required=False,
        choices=Capability.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    certifications = forms.MultipleChoiceField(
        label=_("Certifications"),
        required=False,
        choices=Certification.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Partner
        formfield_callback = _https_urls
        fields = (
            "name",
            "slug",
            "kind",
            "country",
            "regions_served",
            "capabilities",
            "certifications",
            "verified",
            "status",
            "description",
            "website",
            "logo",
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


class SupplyInline(admin.TabularInline):
    model = Supply
    extra = 0
    raw_id_fields = ("part",)


class ProvisionInline(admin.TabularInline):
    model = Provision
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    """Staff set what members cannot: name, status (pending/active/suspended) and verified."""

    form = PartnerAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "kind", "country", "status", "verified", "created_at")
    list_filter = ("status", "verified", "kind")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline, SupplyInline, ProvisionInline)
    actions = ("mark_verified", "suspend", "activate")

    def save_model(self, request, obj, form, change):
        obj.description_html = render_markdown(obj.description)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Mark as verified"))
    def mark_verified(self, request, queryset):
        queryset.update(verified=True)

    @admin.action(description=_("Suspend"))
    def suspend(self, request, queryset):
        queryset.update(status=Partner.Status.SUSPENDED)

    @admin.action(description=_("Activate"))
    def activate(self, request, queryset):
        queryset.update(status=Partner.Status.ACTIVE)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only here: decisions go through the review page, which notifies the applicant."""

    list_display = ("name", "kind", "country", "applicant", "status", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("name", "applicant__username")
    readonly_fields = [field.name for field in Application._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "partner", "role", "created_at", "expires_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("email", "partner__name")
    readonly_fields = ("token", "emailed_at", "accepted_at", "accepted_by")
    raw_id_fields = ("invited_by",)


@admin.register(CollaborationProject)
class CollaborationProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "start_date", "end_date")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("partners", "products")

    def save_model(self, request, obj, form, change):
        obj.description_html = render_markdown(obj.description)
        obj.outcomes_html = render_markdown(obj.outcomes)
        super().save_model(request, obj, form, change)
