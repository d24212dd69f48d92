"""Shipments of a ticket (a unit coming in, a repair or part going out) and their history."""

from django.conf import settings
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
