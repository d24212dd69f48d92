from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cocreate.core.money import CurrencyField


class ProductLine(models.Model):
    """A family of products: smartphones, routers, smart speakers, PC components …"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")

    def __str__(self):
        return self.name


class Product(models.Model):
    class Status(models.TextChoices):
        CONCEPT = "concept", _("Concept")
        IN_DEVELOPMENT = "in_development", _("In development")
        ON_SALE = "on_sale", _("On sale")
        DISCONTINUED = "discontinued", _("Discontinued")

    line = models.ForeignKey(
        ProductLine, on_delete=models.PROTECT, related_name="products", verbose_name=_("line")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    model_number = models.CharField(_("model number"), max_length=60, unique=True)
    generation = models.PositiveSmallIntegerField(_("generation"), default=1)
    # The previous generation; the reverse accessor gives a product its successor.
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("predecessor"),
    )
    status = models.CharField(
        _("lifecycle status"), max_length=20, choices=Status.choices, default=Status.CONCEPT
    )
    specs = models.JSONField(_("specifications"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    launch_date = models.DateField(_("launch date"), null=True, blank=True)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=24)

    class Meta:
        ordering = ["line__position", "line__name", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("products:detail", args=[self.slug])


class Part(models.Model):
    """An accessory, component or spare part, with the products it fits."""

    class Kind(models.TextChoices):
        ACCESSORY = "accessory", _("Accessory")
        COMPONENT = "component", _("Component")
        SPARE_PART = "spare_part", _("Spare part")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    currency = CurrencyField(default=settings.DEFAULT_CURRENCY)
    compatible_products = models.ManyToManyField(
        Product, related_name="compatible_parts", blank=True, verbose_name=_("compatible products")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("part")
        verbose_name_plural = _("parts")

    def __str__(self):
        return f"{self.name} ({self.sku})"


class ValueAddedService(models.Model):
    """A service sold with products: extended warranty, insurance, financing …"""

    class Kind(models.TextChoices):
        EXTENDED_WARRANTY = "extended_warranty", _("Extended warranty")
        INSURANCE = "insurance", _("Insurance")
        FINANCING = "financing", _("Financing")
        RENTAL = "rental", _("Rental")
        UPGRADE_PROGRAMME = "upgrade_programme", _("Upgrade programme")
        INSTALLATION = "installation", _("Installation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    products = models.ManyToManyField(
        Product, related_name="services", blank=True, verbose_name=_("products")
    )
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    currency = CurrencyField(default=settings.DEFAULT_CURRENCY)
    terms = models.TextField(_("terms"), blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("value-added service")
        verbose_name_plural = _("value-added services")

    def __str__(self):
        return self.name


class Registration(models.Model):
    """A customer owns a unit of a product: a verified owner in its community."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("customer"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("product")
    )
    serial_number = models.CharField(_("serial number"), max_length=64)
    purchased_on = models.DateField(_("purchase date"))
    warranty_ends_on = models.DateField(_("warranty ends"))
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "serial_number"], name="registration_unique_serial_per_product"
            )
        ]
        indexes = [models.Index(fields=["customer", "product"])]

    def __str__(self):
        return f"{self.product} #{self.serial_number}"

    @staticmethod
    def warranty_end_for(product: Product, purchased_on: date) -> date:
        return purchased_on + relativedelta(months=product.warranty_months)

    def under_warranty(self, today: date) -> bool:
        return today <= self.warranty_ends_on
