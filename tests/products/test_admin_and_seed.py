import io

import pytest
from django.urls import reverse

from cocreate.accounts.seed import seed as seed_accounts
from products import seed as catalog_seed
from products.models import Part, Product, ProductLine, Registration, ValueAddedService
from tests.factories.accounts import staff
from tests.factories.products import (
    PartFactory,
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
