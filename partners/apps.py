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
        # The catalog, a floor below, names who supplies a part and who provides a service.
        from products.models import Part, ValueAddedService
        from products.selectors import register_partners_listed

        from .selectors import part_suppliers, service_providers

        register_partners_listed(Part, part_suppliers)
        register_partners_listed(ValueAddedService, service_providers)
