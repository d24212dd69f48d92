from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Part, Product
from .selectors import products_with_parts, registrable_products


class ProductChoiceField(forms.ModelChoiceField):
    """Products chosen by slug (readable URLs), labelled with their line."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", **kwargs)

    def label_from_instance(self, product):
        return f"{product.name} · {product.line.name}"


class CatalogFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, model number or feature")}
        ),
    )
    # Chosen with the lifecycle tabs (only those with products): rides along hidden.
    status = forms.ChoiceField(
        label=_("Lifecycle"),
        required=False,
        choices=[("", _("Any status")), *Product.Status.choices],
        widget=forms.HiddenInput,
    )


class PartFilterForm(forms.Form):
    """The parts page's filters, named like the API's (`kind`, `compatible_with`)."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Part.Kind.choices]
    )
    compatible_with = ProductChoiceField(
        products_with_parts().order_by("line__position", "generation", "name"),
        label=_("Fits"),
        required=False,
        empty_label=_("Any product"),
    )

    def __init__(self, data=None, **kwargs):
        # Links made before the filter took the API's name say `?product=`: still honoured.
        if data is not None and not data.get("compatible_with") and data.get("product"):
            data = data.copy()
            data["compatible_with"] = data["product"]
        super().__init__(data, **kwargs)


class RegistrationForm(forms.Form):
    product = ProductChoiceField(
        registrable_products().order_by("line__position", "line__name", "generation", "name"),
        label=_("Product"),
        empty_label=_("Choose your product"),
        error_messages={"invalid_choice": _("Choose a product from the catalog.")},
    )
    serial_number = forms.CharField(
        label=_("Serial number"),
        max_length=64,
        help_text=_("On the box, under the battery or in Settings → About."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    purchased_on = forms.DateField(
        label=_("Purchase date"),
        help_text=_("As on your receipt: the warranty starts that day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purchased_on"].widget.attrs["max"] = timezone.localdate().isoformat()
