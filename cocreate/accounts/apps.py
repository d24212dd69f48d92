from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cocreate.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import checks, ratelimits, receivers  # noqa: F401 (checks registers itself)

        ratelimits.install()
        receivers.connect()
