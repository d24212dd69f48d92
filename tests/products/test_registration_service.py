import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from products.models import Product, Registration
from products.services import registration_create, registration_delete
from tests.factories.accounts import customer
from tests.factories.products import ProductFactory, RegistrationFactory
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db


def test_registering_computes_the_warranty_end_from_the_products_warranty():
    product = ProductFactory(warranty_months=36)

    registration = registration_create(
        customer=customer(),
        product=product,
        serial_number="AUR3-0001",
        purchased_on=date(2025, 1, 31),
    )

    assert registration.warranty_ends_on == date(2028, 1, 31)
    assert Registration.objects.get().warranty_ends_on == date(2028, 1, 31)


def test_warranty_end_of_a_month_end_purchase_stays_in_its_month():
    product = ProductFactory(warranty_months=1)

    assert Registration.warranty_end_for(product, date(2026, 1, 31)) == date(2026, 2, 28)


def test_serial_numbers_are_stored_in_one_spelling():
    registration = registration_create(
        customer=customer(),
        product=ProductFactory(),
        serial_number="  aur3 7f2k ",
        purchased_on=date(2026, 1, 1),
    )

    assert registration.serial_number == "AUR37F2K"


def test_a_serial_already_registered_for_the_product_is_a_field_error_and_saves_nothing():
    product = ProductFactory(name="Aurora 3")
    RegistrationFactory(product=product, serial_number="AUR3-0001")

    with pytest.raises(ValidationError) as error:
        registration_create(
            customer=customer(),
            product=product,
            serial_number="aur3-0001",
            purchased_on=date(2026, 1, 1),
        )

    assert error.value.message_dict == {
        "serial_number": ["This serial number is already registered for Aurora 3."]
    }
    assert Registration.objects.count() == 1


def test_the_same_serial_on_another_product_is_a_different_unit():
    RegistrationFactory(serial_number="SN-0001")

    registration_create(
        customer=customer(),
        product=ProductFactory(),
        serial_number="SN-0001",
        purchased_on=date(2026, 1, 1),
    )

    assert Registration.objects.count() == 2


def test_a_purchase_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        registration_create(
            customer=customer(),
            product=ProductFactory(),
            serial_number="SN-0001",
            purchased_on=tomorrow,
        )

    assert error.value.message_dict == {
        "purchased_on": ["The purchase date cannot be in the future."]
    }
    assert not Registration.objects.exists()


def test_a_purchase_before_the_launch_is_refused():
    product = ProductFactory(name="Aurora 3", launch_date=date(2024, 9, 10))

    with pytest.raises(ValidationError) as error:
        registration_create(
            customer=customer(),
            product=product,
            serial_number="SN-0001",
            purchased_on=date(2024, 9, 9),
        )

    assert "purchased_on" in error.value.message_dict


@pytest.mark.parametrize("status", [Product.Status.CONCEPT, Product.Status.IN_DEVELOPMENT])
def test_a_product_not_sold_yet_cannot_be_registered(status):
    product = ProductFactory(status=status, name="Aurora 4")

    with pytest.raises(ValidationError) as error:
        registration_create(
            customer=customer(),
            product=product,
            serial_number="SN-0001",
            purchased_on=date(2026, 1, 1),
        )

    assert error.value.message_dict == {
        "product": ["Aurora 4 is not on sale yet: there is no unit to register."]
    }


@pytest.mark.parametrize("serial", ["", "ab", "SN 01/02", "X" * 65, "-LEADINGDASH"])
def test_a_malformed_serial_is_refused(serial):
    with pytest.raises(ValidationError) as error:
        registration_create(
            customer=customer(),
            product=ProductFactory(),
            serial_number=serial,
            purchased_on=date(2026, 1, 1),
        )

    assert list(error.value.message_dict) == ["serial_number"]


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as error:
        registration_create(
            customer=customer(),
            product=ProductFactory(status=Product.Status.CONCEPT),
            serial_number="?",
            purchased_on=timezone.localdate() + timedelta(days=3),
        )

    assert set(error.value.message_dict) == {"product", "serial_number", "purchased_on"}


@pytest.mark.django_db(transaction=True)
def test_two_customers_racing_for_one_serial_get_one_registration():
    """Both pass every check at the same moment; the unique constraint decides."""
    product = ProductFactory()
    racers = [customer(), customer()]
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []

    def register(user):
        try:
            barrier.wait()
            registration_create(
                customer=user,
                product=product,
                serial_number="RACE-0001",
                purchased_on=date(2026, 1, 1),
            )
            outcomes.append("registered")
        except ValidationError as error:
            outcomes.append(next(iter(error.message_dict)))
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(user,)) for user in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["registered", "serial_number"]
    assert Registration.objects.filter(serial_number="RACE-0001").count() == 1


def test_an_owner_removes_their_registration():
    registration = RegistrationFactory()

    registration_delete(customer=registration.customer, registration=registration)

    assert not Registration.objects.exists()


def test_nobody_else_removes_a_registration():
    registration = RegistrationFactory()

    with pytest.raises(ValidationError):
        registration_delete(customer=customer(), registration=registration)

    assert Registration.objects.exists()


def test_removing_a_registration_keeps_the_units_tickets_without_the_link():
    registration = RegistrationFactory()
    ticket = TicketFactory(
        customer=registration.customer, product=registration.product, registration=registration
    )

    registration_delete(customer=registration.customer, registration=registration)

    assert not Registration.objects.exists()
    ticket.refresh_from_db()
    assert ticket.product == registration.product
    assert ticket.registration is None
