from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cocreate.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from cocreate.core.media import register_private_root

        from . import checks, ratelimits, receivers  # noqa: F401 (checks registers itself)
        from .personal_data import register_personal_data
        from .selectors import profile_export

        ratelimits.install()
        receivers.connect()

        # Data exports are private: /media/ refuses their directory wherever it is.
        register_private_root("ACCOUNTS_DATA_EXPORT_ROOT")
        # The account's own part of a data export; deletion anonymises the row itself
        # (services/erasure.py), so there is nothing more to erase here.
        register_personal_data("profile", export=profile_export, erase=None)
