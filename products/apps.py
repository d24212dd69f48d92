from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = _("Product catalog")

    def ready(self):
        from cocreate.core.badges import register_status_badges
        from cocreate.core.menu import register_menu_entry

        from .models import Part, Product

        register_menu_entry(_("Products"), "products:catalog", position=10)
        # A person's registered units, in their data export; erased with their account.
        from cocreate.accounts.personal_data import register_personal_data

        from . import personal_data

        register_personal_data(
            "registrations", export=personal_data.export, erase=personal_data.erase
        )
        register_status_badges(
            Product,
            {
                Product.Status.IN_DEVELOPMENT: "badge-accent",
                Product.Status.ON_SALE: "badge-ok",
                Product.Status.DISCONTINUED: "badge-muted",
            },
        )
        register_status_badges(
            Part,
            {
                Part.Kind.ACCESSORY: "badge-info",
                Part.Kind.COMPONENT: "",
                Part.Kind.SPARE_PART: "badge-accent",
            },
            field="kind",
        )
