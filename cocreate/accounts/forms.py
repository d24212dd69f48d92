from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from allauth.core import ratelimit
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from cocreate.core.i18n import known_time_zones
from cocreate.core.text import SingleLineField

from .models import User
from .services import user_sign_up

# The IANA regions; other names are legacy aliases ("US/Eastern", "EST5EDT", "Factory").
TIME_ZONE_AREAS = (
    "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
    "Indian", "Pacific",
)  # fmt: skip
TIME_ZONE_AREA_LABELS = {
    "Africa": pgettext_lazy("time zone region", "Africa"),
    "America": pgettext_lazy("time zone region", "America"),
    "Antarctica": pgettext_lazy("time zone region", "Antarctica"),
    "Arctic": pgettext_lazy("time zone region", "Arctic"),
    "Asia": pgettext_lazy("time zone region", "Asia"),
    "Atlantic": pgettext_lazy("time zone region", "Atlantic"),
    "Australia": pgettext_lazy("time zone region", "Australia"),
    "Europe": pgettext_lazy("time zone region", "Europe"),
    "Indian": pgettext_lazy("time zone region", "Indian Ocean"),
    "Pacific": pgettext_lazy("time zone region", "Pacific"),
}


def utc_offset_label(name: str, now: datetime | None = None) -> str:
    """ "UTC+08:00", "UTC−05:00" (a true minus sign): the zone's offset at `now`."""
    offset = (now or timezone.now()).astimezone(ZoneInfo(name)).utcoffset() or timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "\N{MINUS SIGN}"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _place(name: str) -> str:
    """ "America/Argentina/Buenos_Aires" → "Argentina / Buenos Aires"."""
    return " / ".join(part.replace("_", " ") for part in name.split("/")[1:])


def time_zone_choices(current: str = "", now: datetime | None = None) -> list:
    """UTC, then the Region/City zones grouped by region (<optgroup>), each shown as its place
    and its offset now ("New York (UTC−05:00)"); a profile's current zone stays selectable even
    if an alias ("US/Eastern", under "Other")."""
    now = now or timezone.now()
    known = known_time_zones()
    groups: dict[str, list[tuple[str, str]]] = {area: [] for area in TIME_ZONE_AREAS}
    for name in known:
        area = name.split("/")[0]
        if area in groups and "/" in name:
            groups[area].append((name, f"{_place(name)} ({utc_offset_label(name, now)})"))
    choices: list = [("UTC", f"UTC ({utc_offset_label('UTC', now)})")]
    for area, zones in groups.items():
        if zones:
            choices.append((TIME_ZONE_AREA_LABELS[area], sorted(zones, key=lambda zone: zone[1])))
    if current in known and current != "UTC" and current.split("/")[0] not in groups:
        choices.append((pgettext("time zones", "Other"), [(current, current)]))
    return choices


class SignUpForm(forms.Form):
    """What CoCreate adds to allauth's sign-up form (settings.ACCOUNT_SIGNUP_FORM_CLASS)."""

    # Filled in by the browser (static/js/app.js); an unknown value falls back to UTC.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)

    def signup(self, request, user):
        user_sign_up(user=user, time_zone=self.cleaned_data.get("time_zone") or "")


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"))

    class Meta:
        model = User
        fields = ("display_name", "bio", "language", "time_zone")
        field_classes = {"display_name": SingleLineField}
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = self.fields["time_zone"]
        zone.choices = time_zone_choices(self.instance.time_zone)
        # static/js/forms.js offers the browser's zone first ("Detected: …") and, while the
        # profile still has the default zone (UTC: never chosen), preselects it.
        zone.widget.attrs["data-detected-label"] = _("Detected: %s")
        if self.instance.time_zone == User._meta.get_field("time_zone").default:
            zone.widget.attrs["data-preselect-detected"] = ""
        # No saved language: the footer switcher's choice, else the browser's, decides.
        self.fields["language"].choices = [
            ("", _("Automatic (as this browser)")),
            *settings.LANGUAGES,
        ]


class ApiTokenForm(forms.Form):
    name = SingleLineField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Which integration uses it, e.g. “ERP sync”."),
    )


class AccountDeleteForm(forms.Form):
    """The password again before the account is deleted; attempts count in allauth's
    "reauthenticate" rate limit (ACCOUNT_RATE_LIMITS), so the form cannot be used to guess it.
    An account without a password confirms who it is through allauth instead (the view)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if not request.user.has_usable_password():
            # Signed in through a company or social account: allauth's reauthentication (a code
            # e-mailed to the verified address, or the second factor) came before this form.
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        if not ratelimit.consume(self.request, action="reauthenticate", user=user):
            raise forms.ValidationError(
                _("Too many attempts. Wait a minute and try again."), code="throttled"
            )
        if not user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
