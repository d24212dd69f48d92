from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cocreate.core.i18n import localized_columns
from cocreate.core.money import CurrencyField
from cocreate.core.search import SpacedHan


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


# Paths that are pages, not products, under /products/ and under /community/ (where a product's
# community lives at /community/<slug>/): a product may not take them as its slug.
RESERVED_PRODUCT_SLUGS = frozenset(
    {"mine", "parts", "lines", "services", "search", "moderation", "people", "new"}
)


def validate_product_slug(value: str) -> None:
    if value in RESERVED_PRODUCT_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved for a catalog page; choose another slug."),
            params={"value": value},
        )


class Product(models.Model):
    class Status(models.TextChoices):
        CONCEPT = "concept", _("Concept")
        IN_DEVELOPMENT = "in_development", _("In development")
        ON_SALE = "on_sale", _("On sale")
        DISCONTINUED = "discontinued", _("Discontinued")

    class Illustration(models.TextChoices):
        """Drawings in static/img/products/, shown when no photo was uploaded."""

        GENERIC = "generic", _("Generic")
        PHONE = "phone", _("Smartphone")
        ROUTER = "router", _("Router")
        SPEAKER = "speaker", _("Smart speaker")
        PC_CASE = "pc-case", _("PC case")
        PSU = "psu", _("Power supply")
        GPU = "gpu", _("Graphics card")
        COOLER = "cooler", _("CPU cooler")
        MEMORY = "memory", _("Memory")

    # Units of these statuses exist in customers' hands, so only they can be registered.
    REGISTRABLE_STATUSES = (Status.ON_SALE, Status.DISCONTINUED)

    line = models.ForeignKey(
        ProductLine, on_delete=models.PROTECT, related_name="products", verbose_name=_("line")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, validators=[validate_product_slug]
    )
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
    illustration = models.CharField(
        _("illustration"),
        max_length=20,
        choices=Illustration.choices,
        default=Illustration.GENERIC,
        help_text=_("Drawing shown when no image is uploaded."),
    )
    launch_date = models.DateField(_("launch date"), null=True, blank=True)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=24)
    # Kept by PostgreSQL itself, so no write path can forget to refresh it; GIN-indexed below.
    # Each Han character is a token of its own, so Chinese is searchable (docs/search.md).
    search_vector = models.GeneratedField(
        # Every language's name, description and specs (products/translation.py).
        expression=SearchVector(
            *[SpacedHan(column) for column in localized_columns("name")],
            "model_number",
            weight="A",
            config="english",
        )
        + SearchVector(
            *[SpacedHan(column) for column in localized_columns("description")],
            weight="B",
            config="english",
        )
        # Spec labels and values ("Water resistance: IP68", "Wi-Fi 6E") find products too.
        + SearchVector(
            *[SpacedHan(Cast(column, models.TextField())) for column in localized_columns("specs")],
            weight="C",
            config="english",
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["line__position", "line__name", "generation", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            GinIndex(fields=["search_vector"], name="product_search_idx"),
            models.Index(fields=["status"], name="product_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("pk")),
                name="product_not_its_own_predecessor",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("products:detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.predecessor_id and self.pk and self.predecessor_id == self.pk:
            raise ValidationError({"predecessor": _("A product cannot be its own predecessor.")})

    @property
    def is_registrable(self) -> bool:
        return self.status in self.REGISTRABLE_STATUSES

    @property
    def illustration_path(self) -> str:
        return f"img/products/{self.illustration}.svg"


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
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = CurrencyField(default=settings.DEFAULT_CURRENCY)
    compatible_products = models.ManyToManyField(
        Product, related_name="compatible_parts", blank=True, verbose_name=_("compatible products")
    )
    ships_in = models.ManyToManyField(
        Product,
        related_name="shipped_parts",
        blank=True,
        verbose_name=_("ships in"),
        help_text=_("Products that leave the factory with this part fitted."),
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"], name="part_kind_name_idx")]
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

    class Billing(models.TextChoices):
        ONE_OFF = "one_off", _("One-off")
        MONTHLY = "monthly", _("Per month")
        YEARLY = "yearly", _("Per year")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    products = models.ManyToManyField(
        Product, related_name="services", blank=True, verbose_name=_("products")
    )
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = CurrencyField(default=settings.DEFAULT_CURRENCY)
    # Rental, insurance and financing are paid per month; the price means nothing without it.
    billing = models.CharField(
        _("billing"), max_length=10, choices=Billing.choices, default=Billing.ONE_OFF
    )
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
