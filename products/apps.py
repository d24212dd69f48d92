from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = _("Product catalog")

    def ready(self):
        from cocreate.core.menu import register_menu_entry

        register_menu_entry(_("Products"), "products:catalog", position=10)
