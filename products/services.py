"""Writes of the catalog that carry a rule: registering, correcting and removing an owned unit;
releasing a generation.

Registering and correcting save a single row in a savepoint (`_save_registration`), so they
need no outer transaction of their own; removing and releasing run in one.
"""

import re
from collections.abc import Callable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreate.core.dates import exact

from .models import Product, Registration
from .permissions import may_release_products

SERIAL_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,63}$")
_UNIQUE_SERIAL = "registration_unique_serial_per_product"


def normalise_serial_number(value: str) -> str:
    """Serials are printed in capitals and read back with stray spaces: store one spelling."""
    return re.sub(r"\s+", "", value or "").upper()


def registration_validate(*, product: Product, serial_number: str, purchased_on: date) -> str:
    """Check a unit against the registration rules; return its serial in the stored spelling.

    Raises ValidationError (per field, every problem at once) for a product not sold yet, a
    malformed serial, a purchase date in the future or before the product's launch. Whether the
    serial is already registered is left to the unique constraint (see `registration_create`).
    """
    serial_number = normalise_serial_number(serial_number)
    errors: dict[str, list] = {}
    if not product.is_registrable:
        errors["product"] = [
            _("%(product)s is not on sale yet: there is no unit to register.")
            % {"product": product.name}
        ]
    if not SERIAL_PATTERN.match(serial_number):
        errors["serial_number"] = [
            _("Enter the serial number as printed: 4 to 64 letters, digits or dashes.")
        ]
    if purchased_on > timezone.localdate():
        errors["purchased_on"] = [_("The purchase date cannot be in the future.")]
    elif product.launch_date and purchased_on < product.launch_date:
        errors["purchased_on"] = [
            _("%(product)s was launched on %(date)s; check the purchase date.")
            % {"product": product.name, "date": exact(product.launch_date)}
        ]
    if errors:
        raise ValidationError(errors)
    return serial_number


def _save_registration(registration: Registration) -> Registration:
    """Save in a savepoint; the unique constraint turns a serial taken meanwhile into a field
    error, so two customers racing for the same serial cannot both win."""
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:
        if _UNIQUE_SERIAL not in str(error):
            raise
        raise ValidationError(
            {
                "serial_number": [
                    _("This serial number is already registered for %(product)s.")
                    % {"product": registration.product.name}
                ]
            },
            code="duplicate",
        ) from error
    return registration


def registration_create(
    *, customer, product: Product, serial_number: str, purchased_on: date
) -> Registration:
    """Record that `customer` owns the unit `serial_number` of `product`.

    The warranty runs `product.warranty_months` from the purchase date. Raises ValidationError
    (per field) for what `registration_validate` refuses and for a serial already registered
    for that product; nothing is saved then.
    """
    serial_number = registration_validate(
        product=product, serial_number=serial_number, purchased_on=purchased_on
    )
    return _save_registration(
        Registration(
            customer=customer,
            product=product,
            serial_number=serial_number,
            purchased_on=purchased_on,
            warranty_ends_on=Registration.warranty_end_for(product, purchased_on),
        )
    )


def registration_update(
    *,
    registration: Registration,
    customer,
    product: Product,
    serial_number: str,
    purchased_on: date,
) -> Registration:
    """Correct a registration (staff, in the admin): the same rules as `registration_create`,
    and the warranty end recomputed from the purchase date. Raises ValidationError."""
    registration.serial_number = registration_validate(
        product=product, serial_number=serial_number, purchased_on=purchased_on
    )
    registration.customer = customer
    registration.product = product
    registration.purchased_on = purchased_on
    registration.warranty_ends_on = Registration.warranty_end_for(product, purchased_on)
    return _save_registration(registration)


@transaction.atomic
def registration_delete(*, customer, registration: Registration) -> None:
    """Remove one of the customer's own registrations.

    Support tickets about that unit stay: they keep their product and lose only the link to the
    registration (`Ticket.registration` is SET_NULL). Raises ValidationError when the
    registration belongs to someone else (views show 404 before getting here).
    """
    if registration.customer_id != customer.pk:
        raise ValidationError(_("This registration is not yours."), code="not_owner")
    registration.delete()


# --- Releases -----------------------------------------------------------------------------------

# What a release sets off on the floors above: the community credits the ideas a generation ships
# and tells the people who supported them. Each hook is called as `hook(product=…, by=…)` inside
# the release's transaction, so it commits with the release or not at all; it must be idempotent
# (a release may be repeated) and leave slow work to the outbox.
_release_hooks: list[Callable[..., None]] = []


def register_release_hook(hook: Callable[..., None]) -> None:
    """Have `hook(product=…, by=…)` run in each release (from an AppConfig.ready())."""
    if hook not in _release_hooks:
        _release_hooks.append(hook)


UNRELEASED_STATUSES = (Product.Status.CONCEPT, Product.Status.IN_DEVELOPMENT)


@transaction.atomic
def product_release(*, product: Product, by) -> Product:
    """Release a generation: it goes on sale, and the floors above hear of it (the hooks).

    A concept or a generation in development goes on sale; its launch date becomes today unless
    one in the past was entered (a release recorded late). A generation already on sale or
    discontinued keeps its status and date. Either way the hooks run, in this transaction: they
    are idempotent, so a repeated release changes nothing already done and only catches up on
    ideas adopted into the generation since. Raises PermissionDenied unless `by` may release.
    """
    if not may_release_products(by):
        raise PermissionDenied(_("Only staff who edit the catalog may release a product."))
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.status in UNRELEASED_STATUSES:
        today = timezone.localdate()
        product.status = Product.Status.ON_SALE
        if product.launch_date is None or product.launch_date > today:
            product.launch_date = today
        product.save(update_fields=["status", "launch_date"])
    _run_release_hooks(product=product, by=by)
    return product


def product_shipped_idea_added(*, product: Product, by) -> None:
    """An idea was adopted into a generation already on sale: the release hooks run again, in
    the caller's transaction, so it is credited and its supporters hear now rather than at a
    next release (they are idempotent). Nothing for a generation not on sale yet: its release
    will ship the idea."""
    product = Product.objects.get(pk=product.pk)  # the caller's copy may predate the release
    if product.status == Product.Status.ON_SALE:
        _run_release_hooks(product=product, by=by)


def _run_release_hooks(*, product: Product, by) -> None:
    for hook in _release_hooks:
        hook(product=product, by=by)
