"""Shipments of a ticket (a unit coming in, a repair or part going out), their history, and the
carriers whose tracking pages a shipment links to."""

import re
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cocreate.core.clock import ClockDateTimeField

from .tickets import Ticket


class Shipment(models.Model):
    """A parcel moving for a ticket: the customer's unit coming in, or a repair or part going out."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("From the customer to us")
        OUTBOUND = "outbound", _("From us to the customer")

    class Status(models.TextChoices):
        LABEL_CREATED = "label_created", _("Label created")
        IN_TRANSIT = "in_transit", _("In transit")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        DELIVERED = "delivered", _("Delivered")
        EXCEPTION = "exception", _("Delivery problem")
        RETURNED = "returned", _("Returned to sender")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("ticket")
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    carrier = models.CharField(_("carrier"), max_length=80)
    tracking_number = models.CharField(_("tracking number"), max_length=80)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.LABEL_CREATED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="shipment_unique_tracking"
            )
        ]

    def __str__(self):
        return f"{self.carrier} {self.tracking_number}"


class ShipmentUpdate(models.Model):
    """One status of a shipment, with an optional note; the customer sees them all."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="history", verbose_name=_("shipment")
    )
    status = models.CharField(_("status"), max_length=20, choices=Shipment.Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = ClockDateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("shipment update")
        verbose_name_plural = _("shipment updates")

    def __str__(self):
        return f"{self.shipment_id}: {self.status}"


def carrier_key(name: str) -> str:
    """How a carrier's name is compared: case and spacing/punctuation aside ("SF-Express",
    "sf express" and "SFExpress" are one carrier)."""
    return re.sub(r"[\W_]+", "", name.casefold())


class Carrier(models.Model):
    """A carrier with a public tracking page. Shipment.carrier is free text: a shipment links to
    the page of the active carrier whose name, code or one of whose aliases it matches."""

    name = models.CharField(_("name"), max_length=80)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other names agents type for this carrier, one per line."),
    )
    tracking_url = models.URLField(
        _("tracking URL"),
        max_length=300,
        help_text=_("The tracking page, with {number} where the tracking number goes."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self):
        return self.name

    def clean(self):
        if not self.tracking_url.startswith("https://") or "{number}" not in self.tracking_url:
            raise ValidationError(
                {
                    "tracking_url": _(
                        "An https:// address with {number} where the tracking number goes."
                    )
                }
            )

    def match_keys(self) -> set[str]:
        names = [self.name, self.code, *self.aliases.splitlines()]
        return {key for name in names if (key := carrier_key(name))}

    def url_for(self, tracking_number: str) -> str:
        return self.tracking_url.replace("{number}", quote(tracking_number.strip(), safe=""))
