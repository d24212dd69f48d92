from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Communities")

    def ready(self):
        from cocreate.core.menu import register_menu_entry

        register_menu_entry(_("Community"), "community:index", position=20)
        register_menu_entry(
            _("Moderation"),
            "community:moderation",
            position=30,
            visible=lambda user: user.is_agent or user.is_designer or user.is_staff,
        )
