import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cocreate.accounts.seed import seed as seed_accounts
from products import seed as catalog_seed
from products.models import Part, Product, ProductLine, Registration, ValueAddedService
from tests.factories.accounts import customer, staff
from tests.factories.products import (
    PartFactory,
    ProductFactory,
    RegistrationFactory,
    ValueAddedServiceFactory,
    generation_chain,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["productline", "product", "part", "valueaddedservice", "registration"]
)
def test_staff_manage_the_catalog_in_the_admin(client, model):
    chain = generation_chain(2)
    PartFactory(compatible_with=chain)
    ValueAddedServiceFactory(for_products=chain)
    RegistrationFactory(product=chain[0])
    client.force_login(staff())

    changelist = client.get(reverse(f"admin:products_{model}_changelist"), {"q": "a"})
    add = client.get(reverse(f"admin:products_{model}_add"))

    assert changelist.status_code == 200
    assert add.status_code == 200


def test_product_admin_edits_parts_and_services_inline(client):
    product = generation_chain(1)[0]
    client.force_login(staff())

    html = client.get(reverse("admin:products_product_change", args=[product.pk])).content.decode()

    assert "Compatible parts" in html and "Value-added services" in html


def _seed() -> str:
    out = io.StringIO()
    seed_accounts(out)
    catalog_seed.seed(out)
    return out.getvalue()


def test_seed_builds_a_real_looking_catalog():
    _seed()

    assert ProductLine.objects.count() >= 3
    assert Product.objects.count() >= 8
    aurora_4 = Product.objects.get(slug="aurora-4")
    assert aurora_4.status == Product.Status.IN_DEVELOPMENT
    # Aurora 1 → 2 → 3 → 4
    chain = [aurora_4.predecessor.predecessor.predecessor.slug, aurora_4.predecessor.slug]
    assert chain == ["aurora-1", "aurora-3"]
    assert Part.objects.filter(compatible_products__slug="forge-s2", kind="component").count() >= 5
    assert set(ValueAddedService.objects.values_list("kind", flat=True)) == set(
        ValueAddedService.Kind.values
    )
    owners = set(Registration.objects.values_list("customer__username", flat=True))
    assert owners == {"alice", "bob"}


def test_seeded_registrations_respect_the_rules():
    _seed()

    for registration in Registration.objects.select_related("product"):
        assert registration.product.is_registrable
        assert registration.purchased_on >= registration.product.launch_date
        assert registration.warranty_ends_on == Registration.warranty_end_for(
            registration.product, registration.purchased_on
        )


def test_seed_is_idempotent():
    _seed()
    counts = [
        model.objects.count()
        for model in (ProductLine, Product, Part, ValueAddedService, Registration)
    ]

    _seed()

    assert counts == [
        model.objects.count()
        for model in (ProductLine, Product, Part, ValueAddedService, Registration)
    ]


# --- Registrations: the admin follows the customers' rules ------------------------------------------


def _registration_form(product, owner, **changes) -> dict:
    return {
        "customer": owner.pk,
        "product": product.pk,
        "serial_number": "  aur3 7f2k ",
        "purchased_on": (timezone.localdate() - timedelta(days=10)).isoformat(),
        **changes,
    }


def test_staff_register_a_unit_through_the_service(client):
    product = ProductFactory(name="Aurora 3", warranty_months=24)
    owner = customer()
    client.force_login(staff())
    purchased_on = timezone.localdate() - timedelta(days=10)

    response = client.post(
        reverse("admin:products_registration_add"), _registration_form(product, owner)
    )

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.customer == owner
    assert registration.serial_number == "AUR37F2K"  # one spelling, as customers' are stored
    assert registration.warranty_ends_on == Registration.warranty_end_for(product, purchased_on)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"purchased_on": "2999-01-01"}, "purchased_on"),
        ({"serial_number": "SN 01/02"}, "serial_number"),
        ({"product": "in development"}, "product"),
    ],
    ids=["future date", "malformed serial", "product not sold yet"],
)
def test_the_admin_refuses_what_customers_cannot_register(client, changes, field):
    sold = ProductFactory()
    unsold = ProductFactory(status=Product.Status.IN_DEVELOPMENT)
    if changes.get("product") == "in development":
        changes = {"product": unsold.pk}
    client.force_login(staff())

    response = client.post(
        reverse("admin:products_registration_add"),
        {**_registration_form(sold, customer()), **changes},
    )

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Registration.objects.exists()


def test_a_serial_registered_already_is_a_form_error_in_the_admin(client):
    registration = RegistrationFactory(serial_number="AUR37F2K")
    client.force_login(staff())

    response = client.post(
        reverse("admin:products_registration_add"),
        _registration_form(registration.product, customer()),
    )

    assert response.status_code == 200
    assert Registration.objects.count() == 1
    # Refused for the serial, not for something else about the form.
    assert response.context["adminform"].form.errors == {
        "__all__": ["Registration with this Product and Serial number already exists."]
    }


def test_correcting_the_purchase_date_in_the_admin_moves_the_warranty_end(client):
    product = ProductFactory(warranty_months=12)
    registration = RegistrationFactory(product=product, serial_number="AUR37F2K")
    client.force_login(staff())
    corrected = timezone.localdate() - timedelta(days=100)

    page = client.get(reverse("admin:products_registration_change", args=[registration.pk]))
    response = client.post(
        reverse("admin:products_registration_change", args=[registration.pk]),
        _registration_form(
            product, registration.customer, serial_number="aur37f2k", purchased_on=corrected
        ),
    )

    assert "warranty_ends_on" not in page.context["adminform"].form.fields  # not typed by hand
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.purchased_on == corrected
    assert registration.warranty_ends_on == Registration.warranty_end_for(product, corrected)
