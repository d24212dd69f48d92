"""How django-allauth behaves for CoCreate (settings.ACCOUNT_ADAPTER)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_rates

from cocreate.core.i18n import as_reader


class AccountAdapter(DefaultAccountAdapter):
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
