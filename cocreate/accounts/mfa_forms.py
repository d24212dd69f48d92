"""allauth's forms for a second-factor code (settings.MFA_FORMS), saying why a code is refused.

allauth answers "Incorrect code." to every refusal; a person who typed the code their app showed
a minute ago, or a recovery code they used last week, is better told so. These are in their own
module: cocreate.accounts.forms is loaded by allauth's account forms (the sign-up form), and
allauth's MFA forms load those.
"""

from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import refused_code_reason

REFUSED_CODE_MESSAGES = {
    "replayed": _(
        "This code was already used. Wait for your authenticator app to show the next one."
    ),
    "expired": _("This code has expired. Enter the code your authenticator app shows now."),
    "recovery_code_used": _("This recovery code was already used: each one works only once."),
    "unverifiable": _(
        "Authenticator app codes cannot be checked at the moment. Use a recovery code or a "
        "passkey, or try again in a few minutes."
    ),
}


class RefusedCodeMessages:
    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except forms.ValidationError as error:
            if error.code != "incorrect_code":  # too many attempts …: allauth's message
                raise
            reason = refused_code_reason(self.user, self.cleaned_data["code"])
            if reason is None:
                raise
            raise forms.ValidationError(REFUSED_CODE_MESSAGES[reason], code=reason) from None


class MfaAuthenticateForm(RefusedCodeMessages, AuthenticateForm):
    """The code asked after the password at login."""


class MfaReauthenticateForm(RefusedCodeMessages, ReauthenticateForm):
    """The code asked again before a sensitive change."""
