"""The catalog's part of a person's data (cocreate/accounts/personal_data.py): the units they
registered. Deletion removes the registrations (their serial numbers are the person's)."""

from .models import Registration


def export(user) -> list[dict]:
    return [
        {
            "product": registration.product.name,
            "serial_number": registration.serial_number,
            "purchased_on": registration.purchased_on,
            "warranty_ends_on": registration.warranty_ends_on,
            "registered_at": registration.created_at,
        }
        for registration in Registration.objects.filter(customer=user).select_related("product")
    ]


def erase(user) -> None:
    Registration.objects.filter(customer=user).delete()
