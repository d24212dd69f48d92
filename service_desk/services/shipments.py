"""Shipments: the parcels of a ticket (units coming in, repairs and parts going out) and their
statuses, which the customer follows."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..models import Shipment, ShipmentUpdate, Ticket, TicketEvent
from ..permissions import is_desk_agent
from ._common import _event, _notify_customer


@transaction.atomic
def shipment_create(
    *,
    ticket: Ticket,
    actor,
    direction: str,
    carrier: str,
    tracking_number: str,
    note: str = "",
) -> Shipment:
    """Record a parcel for the ticket (agents only); the customer sees it and is told."""
    if not is_desk_agent(actor):
        raise PermissionDenied
    errors = {}
    if direction not in Shipment.Direction.values:
        errors["direction"] = [_("Choose a direction.")]
    if not (carrier or "").strip():
        errors["carrier"] = [_("Name the carrier.")]
    if not (tracking_number or "").strip():
        errors["tracking_number"] = [_("Enter the tracking number.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            shipment = Shipment.objects.create(
                ticket=ticket,
                direction=direction,
                carrier=carrier.strip(),
                tracking_number=tracking_number.strip(),
                created_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError(
            {"tracking_number": [_("This carrier's tracking number is already recorded.")]}
        ) from error
    ShipmentUpdate.objects.create(
        shipment=shipment, status=shipment.status, note=note.strip(), actor=actor
    )
    _event(
        ticket,
        actor,
        TicketEvent.Kind.SHIPMENT,
        new=f"{shipment.get_direction_display()}: {shipment.carrier} {shipment.tracking_number}",
    )
    _notify_customer(
        ticket,
        kind="ticket.shipment",
        title=format_lazy(
            _("Shipment for your ticket {number}: {carrier} {tracking}"),
            number=ticket.number,
            carrier=shipment.carrier,
            tracking=shipment.tracking_number,
        ),
        body=note,
    )
    return shipment


@transaction.atomic
def shipment_update(*, shipment: Shipment, actor, status: str, note: str = "") -> Shipment:
    """A new status for a parcel; kept in its history and shown to the customer."""
    if not is_desk_agent(actor):
        raise PermissionDenied
    if status not in Shipment.Status.values:
        raise ValidationError({"status": [_("Unknown shipment status.")]})
    shipment = (
        Shipment.objects.select_for_update().select_related("ticket__customer").get(pk=shipment.pk)
    )
    old = shipment.status
    shipment.status = status
    shipment.save(update_fields=["status", "updated_at"])
    ShipmentUpdate.objects.create(shipment=shipment, status=status, note=note.strip(), actor=actor)
    _event(
        shipment.ticket,
        actor,
        TicketEvent.Kind.SHIPMENT,
        Shipment.Status(old).label,
        f"{shipment.tracking_number}: {Shipment.Status(status).label}",
    )
    _notify_customer(
        shipment.ticket,
        kind="ticket.shipment",
        title=format_lazy(
            _("Your shipment {tracking} for {number} is now: {status}"),
            tracking=shipment.tracking_number,
            number=shipment.ticket.number,
            status=Shipment.Status(status).label,
        ),
        body=note,
    )
    return shipment
