from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from cocreate.core.i18n import as_reader, known_time_zones
from cocreate.core.text import SingleLineField

from .login_guard import client_ip, login_failed, login_succeeded, login_wait_seconds
from .models import User

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


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("For notifications and password resets.")
    )
    # Filled in by the browser (static/js/app.js); an unknown value falls back to UTC.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail already exists."))
        return email

    def clean_time_zone(self):
        value = self.cleaned_data.get("time_zone") or ""
        return value if value in known_time_zones() else "UTC"


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"))

    class Meta:
        model = User
        fields = ("display_name", "email", "bio", "language", "time_zone")
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


class GuardedAuthenticationForm(AuthenticationForm):
    """The login form, slowed down and then refused after repeated failures (login_guard)."""

    def clean(self):
        username = self.data.get("username", "")
        ip = client_ip(self.request)
        wait = login_wait_seconds(username=username, client_ip=ip)
        if wait:
            raise forms.ValidationError(
                ngettext_lazy(
                    "Too many failed attempts. Try again in %(seconds)s second.",
                    "Too many failed attempts. Try again in %(seconds)s seconds.",
                    "seconds",
                ),
                code="throttled",
                params={"seconds": wait},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failed(username=username, client_ip=ip)
            raise
        login_succeeded(username=username, client_ip=ip)
        return cleaned


class ReaderPasswordResetForm(PasswordResetForm):
    """The password reset e-mail goes out in the account holder's language, not the requester's.

    Accounts without a password yet are included (Django leaves them out): an account opened
    for someone who wrote to support by e-mail is claimed this way (docs/email.md).
    """

    def get_users(self, email):
        accounts = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (account for account in accounts if account.email.lower() == email.lower())

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with as_reader(context["user"]):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class ApiTokenForm(forms.Form):
    name = SingleLineField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Which integration uses it, e.g. “ERP sync”."),
    )


class AccountDeleteForm(forms.Form):
    """The password again before the account is deleted; failures count in the login guard,
    so the form cannot be used to guess it."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user, ip = self.request.user, client_ip(self.request)
        wait = login_wait_seconds(username=user.username, client_ip=ip)
        if wait:
            raise forms.ValidationError(
                _("Too many failed attempts. Try again in %(seconds)s seconds."),
                code="throttled",
                params={"seconds": wait},
            )
        if not user.check_password(password):
            login_failed(username=user.username, client_ip=ip)
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
