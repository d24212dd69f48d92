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
        _register_own_page_section()
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


def _register_own_page_section() -> None:
    """The units a person registered, on their own page (cocreate/accounts/own_page.py)."""
    from django.urls import reverse

    from cocreate.accounts.own_page import register_own_page_section

    from .selectors import own_units

    register_own_page_section(
        "units",
        title=_("My units"),
        read=own_units,
        template="products/_own_units.html",
        list_url=lambda user: reverse("products:mine"),
        list_label=_("All my units"),
        empty=_("Register the units you own to see their warranty and get help faster."),
        action_label=_("Register a unit"),
        action_url=lambda user: reverse("products:mine") + "#register",
        position=10,
    )
