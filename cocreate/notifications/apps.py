from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "cocreate.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from cocreate.accounts.personal_data import register_personal_data

        from . import personal_data

        register_personal_data(
            "notifications", export=personal_data.export, erase=personal_data.erase
        )
        _register_own_page_section()


def _register_own_page_section() -> None:
    """A person's latest notifications on their own page (cocreate/accounts/own_page.py)."""
    from django.urls import reverse

    from cocreate.accounts.own_page import register_own_page_section

    from .selectors import own_notifications

    register_own_page_section(
        "notifications",
        title=_("Notifications"),
        read=own_notifications,
        template="notifications/_own_notifications.html",
        list_url=lambda user: reverse("notifications:list"),
        list_label=_("All notifications"),
        empty=_(
            "Nothing here yet. When someone answers you or something you follow changes, you will see it here."
        ),
        action_label=_("Choose how you hear"),
        action_url=lambda user: reverse("notifications:preferences"),
        position=50,
    )
