"""What a partner supplies (parts) and provides (services): its catalog listing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import Partner, Provision, Supply
from ._common import _require_not_suspended


@transaction.atomic
def supply_add(*, partner: Partner, part, note: str = "") -> Supply:
    _require_not_suspended(partner)
    supply, created = Supply.objects.get_or_create(
        partner=partner, part=part, defaults={"note": note}
    )
    if not created:
        raise ValidationError({"part": _("This part is already listed.")})
    return supply


@transaction.atomic
def provision_add(*, partner: Partner, service, note: str = "") -> Provision:
    _require_not_suspended(partner)
    provision, created = Provision.objects.get_or_create(
        partner=partner, service=service, defaults={"note": note}
    )
    if not created:
        raise ValidationError({"service": _("This service is already listed.")})
    return provision


@transaction.atomic
def catalog_remove(*, partner: Partner, listing: Supply | Provision) -> None:
    """Take a part (Supply) or a service (Provision) off the partner's catalog listing.

    Raises PermissionDenied for a suspended partner; ValueError for another partner's listing
    (callers look it up among `partner`'s own).
    """
    if listing.partner_id != partner.pk:
        raise ValueError("The listing belongs to another partner.")
    _require_not_suspended(partner)
    listing.delete()
