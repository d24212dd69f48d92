from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner directory")

    def ready(self):
        # The catalog, a floor below, names who supplies a part and who provides a service.
        from products.models import Part, ValueAddedService
        from products.selectors import register_partners_listed

        from .selectors import part_suppliers, service_providers

        register_partners_listed(Part, part_suppliers)
        register_partners_listed(ValueAddedService, service_providers)
