from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner directory")

    def ready(self):
        from cocreate.core.menu import register_menu_entry

        register_menu_entry(_("Partners"), "partners:directory")
        register_menu_entry(
            _("My organisation"), "partners:mine", visible=lambda user: user.is_partner_member
        )
