from allauth.core import ratelimit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cocreate.core.i18n import known_time_zones
from cocreate.core.text import SingleLineField

from .models import User
from .services import user_sign_up

# The IANA regions; other names are legacy aliases ("US/Eastern", "EST5EDT", "Factory").
TIME_ZONE_AREAS = (
    "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
    "Indian", "Pacific",
)  # fmt: skip


def time_zone_choices(current: str = "") -> list[tuple[str, str]]:
    """Region/City zones and UTC; a profile's current zone stays selectable even if an alias."""
    names = {name for name in known_time_zones() if name.split("/")[0] in TIME_ZONE_AREAS}
    names |= {"UTC"} | ({current} if current in known_time_zones() else set())
    return [(name, name) for name in sorted(names)]


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
        self.fields["time_zone"].choices = time_zone_choices(self.instance.time_zone)
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
