from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cocreate.accounts"
    label = "accounts"
    verbose_name = _("Users and access")

    def ready(self):
        from allauth.account.signals import user_logged_in

        from cocreate.core.db_routing import always_read_from_primary
        from cocreate.core.media import register_private_root

        from . import checks, ratelimits, receivers  # noqa: F401 (checks registers itself)
        from .adapter import apply_provider_roles
        from .personal_data import register_personal_data
        from .selectors import profile_export

        ratelimits.install()
        receivers.connect()
        user_logged_in.connect(apply_provider_roles, dispatch_uid="accounts.apply_provider_roles")

        # Data exports are private: /media/ refuses their directory wherever it is.
        register_private_root("ACCOUNTS_DATA_EXPORT_ROOT")
        # An API token works the moment it is made, even on a read replica's views.
        always_read_from_primary("accounts.ApiToken")
        # The account's own part of a data export; deletion anonymises the row itself
        # (services/erasure.py), so there is nothing more to erase here.
        register_personal_data("profile", export=profile_export, erase=None)
        _register_places()


def _register_places() -> None:
    from cocreate.core.menu import register_menu_entry

    from .permissions import is_staff, shows_own_page
    from .roles import Landing

    register_menu_entry(
        _("My page"),
        "own_page",
        position=5,
        visible=shows_own_page,
        landing=Landing.OWN_PAGE,
        description=_("Your units, tickets, posts, what you follow and your notifications."),
    )
    register_menu_entry(
        _("My work"),
        "work_places",
        position=6,
        visible=is_staff,
        landing=Landing.STAFF,
    )
    register_menu_entry(
        _("Admin"),
        "admin:index",
        position=90,
        visible=is_staff,
        description=_("The catalog, people and their roles, and every record, in the admin."),
    )
