"""How django-allauth behaves for CoCreate (settings.ACCOUNT_ADAPTER, SOCIALACCOUNT_ADAPTER)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email, get_next_redirect_url
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.ratelimit import get_rates
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.base import AuthProcess
from django.utils.translation import gettext as _

from cocreate.core.i18n import as_reader
from cocreate.core.menu import landing_url

from .services import user_roles_sync, user_sign_up
from .social_settings import MAPPABLE_ROLES


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """Where each person lands after signing in (password, second factor, passkey or an
        identity provider alike), unless a safe `next` says otherwise (allauth asks this only
        without one): their own place, by the landing order (cocreate.accounts.roles.Landing)."""
        return landing_url(request.user)

    def get_signup_redirect_url(self, request):
        """A new account lands where a signed-in one does: a customer on their own page."""
        return landing_url(request.user)

    def post_login(self, request, user, *, redirect_url, **kwargs):
        """allauth chooses the address before it sends user_logged_in, whose receiver gives the
        roles an identity provider's groups grant (apply_provider_roles): without a `next`,
        the place is chosen again once they are given."""
        response = super().post_login(request, user, redirect_url=redirect_url, **kwargs)
        explicit = redirect_url() if callable(redirect_url) else redirect_url
        if response.status_code == 302 and not (explicit or get_next_redirect_url(request)):
            response["Location"] = landing_url(user)
        return response

    def send_mail(self, template_prefix, email, context):
        """Account e-mails go out in the account holder's language, not the requester's (an
        e-mail to an address without an account, in the requester's)."""
        user = context.get("user")
        if user is None:
            super().send_mail(template_prefix, email, context)
            return
        with as_reader(user):
            super().send_mail(template_prefix, email, context)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """The notices of account changes (the address changed …), in the holder's language."""
        with as_reader(user):
            super().send_notification_mail(template_prefix, user, context=context, email=email)


def login_retry_seconds() -> int:
    """The longest period of the login_failed limits: after it, an attempt is allowed again."""
    rates = get_rates(app="allauth.account", action="login_failed")
    return max((int(rate.duration) for rate in rates), default=0)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        """An address the provider has not verified never signs in to the account that has it,
        nor links to it: refused, in words that do not say whether such an account exists.
        (A verified one does both: SOCIALACCOUNT_EMAIL_AUTHENTICATION.) Someone signed in
        connecting the provider to their own account is not asked."""
        if sociallogin.is_existing or sociallogin.state.get("process") == AuthProcess.CONNECT:
            return
        unverified = [
            address.email for address in sociallogin.email_addresses if not address.verified
        ]
        if any(filter_users_by_email(email) for email in unverified):
            provider = sociallogin.account.get_provider()
            message = _(
                "%(provider)s has not verified your e-mail address, so it cannot sign you in "
                "here. Verify the address with %(provider)s and try again, or log in with your "
                "user name and password."
            ) % {"provider": provider.name}
            raise ImmediateHttpResponse(
                render_authentication_error(request, provider, extra_context={"refusal": message})
            )

    def save_user(self, request, sociallogin, form=None):
        """A new account from another site is a customer's, as from the sign-up form (whose
        SignUpForm.signup does this when the person had to fill it in)."""
        user = super().save_user(request, sociallogin, form=form)
        if form is None:
            user_sign_up(user=user)
        return user


def provider_roles(app_settings: dict, claims: dict) -> tuple[set[str], set[str]]:
    """The roles an identity provider's app manages (`roles` in its settings: role -> the
    provider's groups granting it) and those of them `claims` grant: the groups are the
    `groups_claim` claim (a list, or one name); a missing claim is no group."""
    mapping = {
        role: set(groups)
        for role, groups in (app_settings.get("roles") or {}).items()
        if role in MAPPABLE_ROLES
    }
    groups = claims.get(app_settings.get("groups_claim", "groups")) or []
    groups = {groups} if isinstance(groups, str) else set(groups)
    return {role for role, granting in mapping.items() if granting & groups}, set(mapping)


def apply_provider_roles(sender, request, user, sociallogin=None, **kwargs):
    """allauth's user_logged_in: after every sign-in through an identity provider whose app maps
    groups to roles, the account holds the roles the provider's groups grant, and no other
    role the mapping manages. The claims are the userinfo's, else the ID token's."""
    if sociallogin is None:
        return
    data = sociallogin.account.extra_data
    claims = {**data.get("id_token", {}), **data.get("userinfo", {})}
    held, managed = provider_roles(sociallogin.account.get_provider().app.settings, claims)
    if managed:
        user_roles_sync(user=user, held=held, managed=managed)
