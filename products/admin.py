from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import Part, Product, ProductLine, Registration, ValueAddedService
from .services import (
    UNRELEASED_STATUSES,
    product_release,
    registration_create,
    registration_update,
    registration_validate,
)


class ProductInline(TranslationTabularInline):
    model = Product
    fields = ("name", "slug", "model_number", "generation", "status", "launch_date")
    show_change_link = True
    extra = 0


# The catalog's texts are edited in every language side by side (name [en], name [zh-hans] …,
# products/translation.py); English is required, the other languages fall back to it.
@admin.register(ProductLine)
class ProductLineAdmin(TranslationAdmin):
    list_display = ("name", "slug", "position", "product_count")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ProductInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("products"))

    @admin.display(description=_("products"), ordering="product_count")
    def product_count(self, line):
        return line.product_count


class CompatiblePartInline(admin.TabularInline):
    model = Part.compatible_products.through
    verbose_name = _("compatible part")
    verbose_name_plural = _("compatible parts")
    autocomplete_fields = ("part",)
    extra = 1


class ServiceInline(admin.TabularInline):
    model = ValueAddedService.products.through
    verbose_name = _("value-added service")
    verbose_name_plural = _("value-added services")
    autocomplete_fields = ("valueaddedservice",)
    extra = 1


@admin.register(Product)
class ProductAdmin(TranslationAdmin):
    list_display = (
        "name",
        "line",
        "generation",
        "status",
        "model_number",
        "predecessor",
        "launch_date",
    )
    list_filter = ("status", "line")
    list_select_related = ("line", "predecessor")
    search_fields = ("name", "slug", "model_number")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("predecessor",)
    date_hierarchy = "launch_date"
    inlines = [CompatiblePartInline, ServiceInline]
    actions = ["release"]
    fieldsets = (
        (None, {"fields": ("line", "name", "slug", "model_number", "status")}),
        (_("Generation"), {"fields": ("generation", "predecessor", "launch_date")}),
        (
            _("Presentation"),
            {"fields": ("description", "specs", "image", "illustration", "warranty_months")},
        ),
    )

    def save_model(self, request, obj, form, change):
        """Putting a concept or a generation in development on sale is its release: the other
        fields are saved as typed, the status through `product_release` (credits, notices)."""
        was = form.initial.get("status")
        releasing = change and obj.status == Product.Status.ON_SALE and was in UNRELEASED_STATUSES
        if releasing:
            obj.status = was
        super().save_model(request, obj, form, change)
        if releasing:
            released = product_release(product=obj, by=request.user)
            obj.status, obj.launch_date = released.status, released.launch_date

    @admin.action(
        description=_("Release: put on sale, credit the ideas it ships, tell their supporters"),
        permissions=["change"],
    )
    def release(self, request, queryset):
        products = list(queryset.order_by("pk"))
        for product in products:
            product_release(product=product, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d product released.", "%(count)d products released.", len(products))
            % {"count": len(products)},
            messages.SUCCESS,
        )


@admin.register(Part)
class PartAdmin(TranslationAdmin):
    list_display = ("name", "sku", "kind", "price", "currency", "fits", "shipped_in")
    list_filter = ("kind", "currency", "compatible_products__line")
    search_fields = ("name", "sku", "description")
    autocomplete_fields = ("compatible_products", "ships_in")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("compatible_products", "ships_in")

    @admin.display(description=_("fits"))
    def fits(self, part):
        return ", ".join(product.name for product in part.compatible_products.all())

    @admin.display(description=_("ships in"))
    def shipped_in(self, part):
        return ", ".join(product.name for product in part.ships_in.all())


@admin.register(ValueAddedService)
class ValueAddedServiceAdmin(TranslationAdmin):
    list_display = ("name", "kind", "price", "currency", "billing", "product_count")
    list_filter = ("kind", "billing")
    search_fields = ("name", "slug", "terms")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("products",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("products"))

    @admin.display(description=_("products"), ordering="product_count")
    def product_count(self, service):
        return service.product_count


class RegistrationAdminForm(forms.ModelForm):
    """The fields staff set; the rules are `registration_validate`'s, checked before saving."""

    class Meta:
        model = Registration
        fields = ("customer", "product", "serial_number", "purchased_on")

    def clean(self):
        data = super().clean()
        product, serial, purchased_on = (
            data.get("product"),
            data.get("serial_number"),
            data.get("purchased_on"),
        )
        if product and serial is not None and purchased_on:
            try:
                data["serial_number"] = registration_validate(
                    product=product, serial_number=serial, purchased_on=purchased_on
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Registrations go through the same service as customers' (serial spelling, dates, products
    on sale); the warranty end follows from the purchase date and is not typed by hand."""

    form = RegistrationAdminForm
    list_display = (
        "serial_number",
        "product",
        "customer",
        "purchased_on",
        "warranty_ends_on",
        "created_at",
    )
    list_filter = ("product__line", "product")
    list_select_related = ("product", "customer")
    search_fields = ("serial_number", "customer__username", "customer__email", "product__name")
    autocomplete_fields = ("customer", "product")
    date_hierarchy = "purchased_on"
    readonly_fields = ("warranty_ends_on", "created_at")

    def save_model(self, request, obj, form, change):
        fields = {
            "customer": obj.customer,
            "product": obj.product,
            "serial_number": obj.serial_number,
            "purchased_on": obj.purchased_on,
        }
        if change:
            registration_update(registration=obj, **fields)
            return
        saved = registration_create(**fields)
        # The admin goes on with `obj` (its change message, the redirect): make it the saved row.
        for field in Registration._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state = saved._state
