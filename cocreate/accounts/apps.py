from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cocreate.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.account.signals import user_logged_in

        from . import ratelimits
        from .adapter import apply_provider_roles

        ratelimits.install()
        user_logged_in.connect(apply_provider_roles, dispatch_uid="accounts.apply_provider_roles")
