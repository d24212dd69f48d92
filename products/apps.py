from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = _("Product catalog")

    def ready(self):
        from cocreate.core.badges import register_status_badges
        from cocreate.core.menu import register_menu_entry

        from .models import Product

        register_menu_entry(_("Products"), "products:catalog", position=10)
        register_status_badges(
            Product,
            {
                Product.Status.IN_DEVELOPMENT: "badge-accent",
                Product.Status.ON_SALE: "badge-ok",
                Product.Status.DISCONTINUED: "badge-muted",
            },
        )
