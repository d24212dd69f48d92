"""How django-allauth behaves for CoCreate (settings.ACCOUNT_ADAPTER)."""

from allauth.account.adapter import DefaultAccountAdapter

from cocreate.core.i18n import as_reader


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Account e-mails go out in the account holder's language, not the requester's."""
        user = context.get("user")
        if user is None:
            super().send_mail(template_prefix, email, context)
            return
        with as_reader(user):
            super().send_mail(template_prefix, email, context)
