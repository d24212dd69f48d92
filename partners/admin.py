from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from cocreate.core.markup import render_markdown

from . import services
from .logos import logo_clean
from .models import (
    Application,
    CollaborationProject,
    Invitation,
    Membership,
    Partner,
    ProjectInvitation,
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

    def clean_logo(self):
        """A new upload is checked and re-encoded as members' uploads are (`logo_clean`)."""
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return logo_clean(logo)
        return logo


class MembershipFormSet(forms.BaseInlineFormSet):
    """Staff change roles here; an organisation that has an owner keeps one, as on the members
    page (`membership_remove`): demoting or deleting the last owner is a form error."""

    def clean(self):
        super().clean()
        if not any(
            form.initial.get("role") == Membership.Role.OWNER for form in self.initial_forms
        ):
            return
        kept = [form for form in self.forms if not self._should_delete_form(form)]
        if not any(form.cleaned_data.get("role") == Membership.Role.OWNER for form in kept):
            raise ValidationError(_("An organisation needs at least one owner."), code="last_owner")


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    raw_id_fields = ("user",)
    readonly_fields = ("created_at",)


class SupplyInline(TranslationTabularInline):
    model = Supply
    extra = 0
    raw_id_fields = ("part",)


class ProvisionInline(admin.TabularInline):
    model = Provision
    extra = 0


@admin.register(Partner)
class PartnerAdmin(TranslationAdmin):
    """Staff set what members cannot: name, status (pending/active/suspended) and verified; the
    description is edited in every language side by side (partners/translation.py)."""

    form = PartnerAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "kind", "country", "status", "verified", "created_at")
    list_filter = ("status", "verified", "kind")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline, SupplyInline, ProvisionInline)
    actions = ("mark_verified", "suspend", "activate")

    def save_model(self, request, obj, form, change):
        obj.render_descriptions()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # Members added or changed here get the partner_member role, as invitees do.
        for membership in formset.save(commit=False):
            services.membership_save(membership=membership)
        for membership in formset.deleted_objects:
            membership.delete()
        formset.save_m2m()

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


class InvitationAddForm(forms.ModelForm):
    """Staff invite someone as an owner would: same checks, a fresh token, the e-mail sent."""

    class Meta:
        model = Invitation
        fields = ("partner", "email", "role")

    def clean(self):
        data = super().clean()
        if data.get("partner") and data.get("email"):
            try:
                services.invitation_validate(partner=data["partner"], email=data["email"])
            except ValidationError as error:
                self.add_error(None, error)
        return data

    def _post_clean(self):
        # The service completes and saves the invitation (token, expiry); the rules were
        # checked in clean(), so the model's own validation (which would count an expired
        # invitation the service replaces as open) is skipped.
        self.instance = construct_instance(self, self.instance, self._meta.fields)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Adding goes through `invitation_create` (token, expiry, e-mail to the invitee, the
    partner's own rules); an existing invitation's address and partner stay as sent."""

    list_display = ("email", "partner", "role", "created_at", "expires_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("email", "partner__name")
    raw_id_fields = ("invited_by",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("partner", "email", "role")
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "partner",
            "email",
            "token",
            "invited_by",
            "emailed_at",
            "accepted_at",
            "accepted_by",
        )

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        invitation = services.invitation_create(
            partner=obj.partner, email=obj.email, role=obj.role, invited_by=request.user
        )
        # The admin goes on with `obj` (its log entry, the redirect): make it the saved row.
        for field in Invitation._meta.concrete_fields:
            setattr(obj, field.attname, getattr(invitation, field.attname))
        obj._state = invitation._state


class ProjectInvitationInline(admin.TabularInline):
    """A project's invitations, read only: partners answer them on the site."""

    model = ProjectInvitation
    extra = 0
    fields = ("partner", "status", "invited_by", "created_at", "decided_by", "decided_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CollaborationProject)
class CollaborationProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "is_public", "start_date", "end_date")
    list_filter = ("kind", "status", "is_public")
    inlines = [ProjectInvitationInline]
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("partners", "products")

    def save_model(self, request, obj, form, change):
        obj.render_descriptions()
        obj.outcomes_html = render_markdown(obj.outcomes)
        super().save_model(request, obj, form, change)
