from functools import partial

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.utils import build_localized_fieldname

from cocreate.core.forms import NamedEmptyChoices, PresentChoiceField
from cocreate.core.text import SingleLineField
from products.models import Part, Product, ValueAddedService

from . import selectors
from .logos import LOGO_MAX_BYTES, logo_check
from .models import (
    Application,
    CollaborationProject,
    Membership,
    Partner,
    PartnerKind,
    ProjectInvitation,
)
from .selectors import Sort
from .services import PARTNER_EDITABLE_FIELDS, partner_name_taken
from .taxonomy import Capability, Certification, area_choices


def _with_blank(choices, label):
    return [("", label), *choices]


class CountryFilterField(forms.ChoiceField):
    """Offers only the countries partners are in (its choices are computed when rendered), but
    accepts any country: a link to a country that no longer has partners shows an empty result."""

    def valid_value(self, value):
        return bool(countries.alpha2(value)) if value else True


class DirectoryFilterForm(forms.Form):
    """The directory's GET filters; an invalid value is ignored rather than failing the page."""

    VERIFIED_CHOICES = [("", _("Any")), ("true", _("Verified only")), ("false", _("Not verified"))]
    SORT_CHOICES = [
        (Sort.RELEVANCE, _("Relevance")),
        (Sort.NAME, _("Name")),
        (Sort.NEWEST, _("Newest")),
    ]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or description")}),
    )
    kind = PresentChoiceField(
        label=_("Kind"), required=False, choices=PartnerKind.choices, empty_label=_("All kinds")
    )
    country = CountryFilterField(label=_("Based in"), required=False)
    # The language the profile is written in: partners who read and write it.
    language = PresentChoiceField(
        label=_("Language"),
        required=False,
        choices=settings.LANGUAGES,
        empty_label=_("Any language"),
    )
    serves = forms.ChoiceField(label=_("Serves"), required=False)
    capability = PresentChoiceField(
        label=_("Capability"),
        required=False,
        choices=Capability.choices,
        empty_label=_("Any capability"),
    )
    certification = PresentChoiceField(
        label=_("Certification"),
        required=False,
        choices=Certification.choices,
        empty_label=_("Any certification"),
    )
    verified = forms.ChoiceField(label=_("Verified"), required=False, choices=VERIFIED_CHOICES)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each select offers what the active partners have, counted when it renders.
        for name, facet in (
            ("kind", "kinds"),
            ("capability", "capabilities"),
            ("certification", "certifications"),
            ("language", "languages"),
        ):
            self.fields[name].choices = partial(self._present_choices, name, facet)
        self.fields["country"].choices = self._country_choices
        self.fields["serves"].choices = _with_blank(area_choices(), _("Anywhere"))

    @cached_property
    def _facets(self) -> selectors.DirectoryFacets:
        return selectors.directory_facets()

    @property
    def _partners_by_country(self) -> dict[str, int]:
        return self._facets.countries

    def _present_choices(self, name: str, facet: str) -> list[tuple[str, str]]:
        counts = getattr(self._facets, facet)
        return self.fields[name].offered(counts, chosen=self.data.get(name, ""))

    def _country_choices(self) -> list[tuple[str, str]]:
        """The countries with active partners, with how many; a chosen country without any stays
        shown (with 0) so the form says what the empty result is about."""
        counts = dict(self._partners_by_country)
        chosen = self.data.get("country", "")
        if chosen and countries.alpha2(chosen) and chosen not in counts:
            counts[countries.alpha2(chosen)] = 0
        offered = sorted(counts.items(), key=lambda item: str(countries.name(item[0])))
        return _with_blank(
            [(code, f"{countries.name(code)} ({count})") for code, count in offered],
            _("Any country"),
        )

    @property
    def country_without_partners(self) -> str:
        """The chosen country's name when no active partner is based there (else "")."""
        self.is_valid()
        code = self.cleaned_data.get("country", "")
        if code and code not in self._partners_by_country:
            return str(countries.name(code))
        return ""

    def criteria(self) -> dict:
        """The valid filters as keyword arguments of `selectors.partner_directory`."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value}
        verified = data.pop("verified", "")
        if verified:
            data["verified"] = verified == "true"
        return data


class ProjectFilterForm(forms.Form):
    """The collaboration projects' filters; an unknown value is ignored."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=_with_blank(CollaborationProject.Kind.choices, _("All kinds")),
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("state of a record", "Status"),
        required=False,
        choices=_with_blank(CollaborationProject.Status.choices, _("Any status")),
    )


def _website_field():
    return forms.URLField(label=_("Website"), required=False, assume_scheme="https")


class ApplicationForm(NamedEmptyChoices, forms.ModelForm):
    empty_choice_labels = {"kind": _("— choose a kind —"), "country": _("— choose a country —")}
    website = _website_field()
    field_order = ["name", "kind", "country", "capabilities", "website", "description"]
    capabilities = forms.MultipleChoiceField(
        label=_("Capabilities"),
        choices=Capability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("What your organisation does; the directory is filtered by these."),
    )

    class Meta:
        model = Application
        # The website is declared above (https by default), so it is not generated here.
        fields = ("name", "kind", "country", "capabilities", "description")
        field_classes = {"name": SingleLineField}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"description": _("Markdown. Who you are, and what you would do with us.")}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if partner_name_taken(name):
            raise ValidationError(
                _("A partner or an application under review already uses this name.")
            )
        return name


class DecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message to the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when rejecting: tell them why."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not data.get("message", "").strip():
            self.add_error("message", _("Tell the applicant why."))
        return data


class PartnerProfileForm(NamedEmptyChoices, forms.ModelForm):
    empty_choice_labels = {"country": _("— choose a country —")}
    regions_served = forms.MultipleChoiceField(
        label=_("Regions served"),
        required=False,
        choices=area_choices,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Named regions or single countries. Hold Ctrl (⌘ on a Mac) to pick several."),
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
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    website = _website_field()
    language = forms.ChoiceField(
        label=_("Language of the profile"),
        required=False,
        choices=[("", _("Detect from the text")), *settings.LANGUAGES],
    )
    field_order = [*PARTNER_EDITABLE_FIELDS, "logo_upload", "remove_logo"]

    class Meta:
        model = Partner
        # Every editable field, the website included: a field left out here gets no initial
        # value from the partner, so saving the form unchanged would blank it.
        fields = PARTNER_EDITABLE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "description": _(
                "Markdown, in the language you are reading this page in: readers of another "
                "language see their own version, or the English one."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The description in the reader's language only (partners/translation.py): the English
        # one it falls back to, shown here, would be saved as this language's text.
        self.initial["description"] = (
            getattr(self.instance, build_localized_fieldname("description", get_language())) or ""
        )
        # Formatted here, in the reader's language: a lazy string formatted at import is English.
        self.fields["logo_upload"].help_text = _(
            "PNG, JPEG, GIF or WebP, up to %(size)s MB; shown at most 512 pixels wide."
        ) % {"size": LOGO_MAX_BYTES // (1024 * 1024)}
        if not self.instance.logo:
            del self.fields["remove_logo"]

    def clean_logo_upload(self):
        # Its header only: the view decodes it (logos.logo_clean) once the upload is counted
        # against the image rate.
        upload = self.cleaned_data.get("logo_upload")
        if upload:
            logo_check(upload)
        return upload or None

    def _post_clean(self):
        # Model validation happens in the service, which reports it back onto this form.
        pass


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )

    field_order = ["email", "role"]


class SupplyForm(forms.Form):
    sku = SingleLineField(label=_("Part SKU"), max_length=40)
    note = SingleLineField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("E.g. “original manufacturer” or “distributor for the EU”."),
    )

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip()
        part = Part.objects.filter(sku__iexact=sku).first()
        if part is None:
            raise ValidationError(_("No catalog part has the SKU “%(sku)s”."), params={"sku": sku})
        self.cleaned_data["part"] = part
        return sku


class ProvisionForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Value-added service"), queryset=ValueAddedService.objects.order_by("name")
    )
    note = SingleLineField(label=_("Note"), required=False, max_length=200)


class PartnerChoiceField(forms.ModelMultipleChoiceField):
    """Partners by name; one that is not active says so (it is on the project already), one
    invited and not answering yet too."""

    invited: frozenset = frozenset()

    def label_from_instance(self, partner):
        if not partner.is_active:
            return f"{partner.name} ({partner.get_status_display()})"
        if partner.pk in self.invited:
            return f"{partner.name} ({ProjectInvitation.Status.PENDING.label})"
        return partner.name


class ProjectForm(NamedEmptyChoices, forms.ModelForm):
    partners = PartnerChoiceField(
        label=_("Partners"),
        required=False,
        queryset=Partner.objects.active().only("pk", "name", "status").order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Hold Ctrl (⌘ on a Mac) to pick several. The organisations you own join at once; "
            "every other one is invited and joins when one of its owners accepts. Include an "
            "organisation you own, so you can keep managing the project."
        ),
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Products"),
        required=False,
        queryset=Product.objects.only("pk", "name").order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("The catalog products the project works on."),
    )

    class Meta:
        model = CollaborationProject
        fields = (
            "title",
            "kind",
            "status",
            "summary",
            "start_date",
            "end_date",
            "is_public",
            "partners",
            "products",
            "description",
            "outcomes",
        )
        field_classes = {"title": SingleLineField, "summary": SingleLineField}
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "outcomes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"description": _("Markdown.")}

    pending_invitations: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["is_public"].help_text = _(
            "Everyone may read the summary, description and outcomes of a public project. A "
            "private one is seen by its partners' members and staff only. Updates, milestones "
            "and files are never public."
        )
        if self.instance.pk:
            # Active partners can be invited; those already on the project stay choosable (and
            # chosen) even when suspended or pending, so saving does not silently drop them.
            self.pending_invitations = list(
                self.instance.invitations.filter(
                    status=ProjectInvitation.Status.PENDING
                ).select_related("partner")
            )
            self.fields["partners"].invited = frozenset(
                invitation.partner_id for invitation in self.pending_invitations
            )
            on_project = self.instance.partners.values("pk")
            self.fields["partners"].queryset = (
                Partner.objects.filter(Q(status=Partner.Status.ACTIVE) | Q(pk__in=on_project))
                .only("pk", "name", "status")
                .order_by("name")
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data

    def _post_clean(self):
        pass


class ProjectInviteForm(forms.Form):
    """A partner to invite, by its name or its slug, and a word for its owners."""

    partner = SingleLineField(
        label=_("Partner"),
        max_length=200,
        help_text=_("The organisation's name as the directory shows it, or its address name."),
        widget=forms.TextInput(attrs={"list": "invite-partner-names", "autocomplete": "off"}),
    )
    message = forms.CharField(
        label=_("Message to its owners"),
        required=False,
        max_length=ProjectInvitation._meta.get_field("message").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_partner(self):
        text = self.cleaned_data["partner"].strip()
        partner = (
            Partner.objects.filter(Q(slug=text.lower()) | Q(name__iexact=text))
            .order_by("pk")
            .first()
        )
        if partner is None:
            raise ValidationError(
                _("No partner in the directory is called “%(name)s”."),
                params={"name": text},
                code="unknown",
            )
        return partner


# --- Project work (updates, milestones, files): the workspace on a project's page -------------


class ProjectUpdateForm(forms.Form):
    body = forms.CharField(
        label=_("Update"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown. Everyone on the project reads it; no one outside it."),
    )
    language = forms.ChoiceField(
        label=_("Written in"),
        choices=settings.LANGUAGES,
        help_text=_("Readers see updates in their own language first."),
    )


class MilestoneForm(forms.Form):
    title = SingleLineField(label=_("Milestone"), max_length=160)
    due_at = forms.DateTimeField(
        label=_("Due"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    description = forms.CharField(
        label=pgettext_lazy("project work", "Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, zone_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_at"].help_text = _(
            "In your time zone (%(zone)s); each partner reads it in their own."
        ) % {"zone": zone_name}


class MilestoneStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Milestone

        self.fields["status"].choices = Milestone.Status.choices


class ProjectFileForm(forms.Form):
    upload = forms.FileField(label=_("File"))
    description = forms.CharField(
        label=pgettext_lazy("project work", "Description"), max_length=300, required=False
    )
    milestone = forms.ModelChoiceField(
        label=_("For milestone"), queryset=None, required=False, empty_label=_("None")
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Milestone

        self.fields["milestone"].queryset = Milestone.objects.filter(project=project).order_by(
            "due_at", "pk"
        )
        from cocreate.core.uploads import accepted_types_label

        self.fields["upload"].help_text = _(
            "Private to the project. Accepted: %(types)s; at most %(size)s."
        ) % {
            "types": accepted_types_label(),
            "size": _filesize(settings.MAX_UPLOAD_BYTES),
        }


def _filesize(size: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(size)
