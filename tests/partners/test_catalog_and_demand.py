"""Members list the parts and services they supply (their demand: tests/partners/test_demand.py)."""

import pytest
from django.urls import reverse

from partners.models import Provision, Supply
from partners.services import catalog_remove
from tests.factories.accounts import UserFactory
from tests.factories.partners import PartnerFactory, ProvisionFactory, SupplyFactory
from tests.factories.products import PartFactory, ValueAddedServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return UserFactory()


@pytest.fixture
def partner(member):
    return PartnerFactory(members=[member])


def catalog_url(partner):
    return reverse("partners:catalog", args=[partner.slug])


def test_a_member_adds_a_part_by_sku_and_a_service(client, member, partner):
    part = PartFactory(sku="AUR3-BAT")
    service = ValueAddedServiceFactory(name="Care plus")
    client.force_login(member)

    client.post(catalog_url(partner), {"supply-sku": "aur3-bat", "supply-note": "Cells"})
    client.post(catalog_url(partner), {"provision-service": service.pk, "provision-note": ""})

    supply = Supply.objects.get(partner=partner)
    assert (supply.part, supply.note) == (part, "Cells")
    assert Provision.objects.get(partner=partner).service == service


def test_an_unknown_sku_or_a_part_listed_twice_is_an_error(client, member, partner):
    SupplyFactory(partner=partner, part=PartFactory(sku="KNOWN-1"))
    client.force_login(member)

    unknown = client.post(catalog_url(partner), {"supply-sku": "NOPE-9"})
    twice = client.post(catalog_url(partner), {"supply-sku": "KNOWN-1"})

    assert "No catalog part has the SKU" in unknown.content.decode()
    assert "already listed" in twice.content.decode()
    assert Supply.objects.count() == 1


def test_a_member_removes_a_supply_but_not_another_partners(client, member, partner):
    mine = SupplyFactory(partner=partner)
    theirs = SupplyFactory()
    client.force_login(member)

    client.post(reverse("partners:catalog_remove", args=[partner.slug, "supplies", mine.pk]))
    response = client.post(
        reverse("partners:catalog_remove", args=[partner.slug, "supplies", theirs.pk])
    )

    assert not Supply.objects.filter(pk=mine.pk).exists()
    assert response.status_code == 404
    assert Supply.objects.filter(pk=theirs.pk).exists()


def test_catalog_remove_takes_parts_and_services_off_the_partners_own_listing(partner):
    mine, theirs = SupplyFactory(partner=partner), SupplyFactory()
    provision = ProvisionFactory(partner=partner)

    catalog_remove(partner=partner, listing=mine)
    catalog_remove(partner=partner, listing=provision)
    with pytest.raises(ValueError):
        catalog_remove(partner=partner, listing=theirs)

    assert list(Supply.objects.all()) == [theirs]
    assert not Provision.objects.exists()
