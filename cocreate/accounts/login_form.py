"""The login form (settings.ACCOUNT_FORMS). Apart from forms.py: allauth's forms module imports
forms.SignUpForm (ACCOUNT_SIGNUP_FORM_CLASS) as it loads, so forms.py cannot import it."""

from allauth.account import forms as allauth_forms
from django.utils.translation import gettext_lazy as _


class LoginForm(allauth_forms.LoginForm):
    """allauth's login form in our words: its field says what it takes, and the reset link sits
    under the form (account/login.html), not in the password's help."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or e-mail")
        self.fields["password"].help_text = ""
