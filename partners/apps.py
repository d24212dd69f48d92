from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner directory")

    def ready(self):
        from cocreate.core.menu import register_menu_entry

        register_menu_entry(_("Partners"), "partners:directory", position=40)
        register_menu_entry(
            _("My organisation"),
            "partners:mine",
            position=40,
            visible=lambda user: user.is_partner_member,
        )
