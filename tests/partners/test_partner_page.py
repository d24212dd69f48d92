"""A partner's page: what it shows, who may see it, and its queries."""

import pytest
from django.urls import reverse

from partners.models import Partner
from tests.factories.accounts import UserFactory, staff
from tests.factories.partners import (
    PartnerFactory,
    ProjectFactory,
    ProvisionFactory,
    SupplyFactory,
)
from tests.factories.products import PartFactory, ProductFactory, ValueAddedServiceFactory

pytestmark = pytest.mark.django_db


def page_of(client, partner):
    return client.get(reverse("partners:detail", args=[partner.slug]))


def test_shows_description_capabilities_parts_services_and_projects(client):
    partner = PartnerFactory(
        description_html="<p>Moulding since 1970.</p>",
        capabilities=["injection_moulding", "recycling"],
        certifications=["iso_14001"],
        regions_served=["eu", "CH"],
    )
    SupplyFactory(partner=partner, part=PartFactory(name="Clear case", sku="CASE-1"), note="OEM")
    ProvisionFactory(partner=partner, service=ValueAddedServiceFactory(name="Care plus"))
    other = PartnerFactory(name="Lab Partner")
    ProjectFactory(
        title="Recycled housings",
        partners=[partner, other],
        products=[ProductFactory(name="Aurora 4")],
    )

    html = page_of(client, partner).content.decode()

    for text in (
        "Moulding since 1970.",
        "Injection moulding",
        "Recycling and refurbishment",
        "ISO 14001",
        "European Union",
        "Switzerland",
        "Clear case",
        "CASE-1",
        "Care plus",
        "Recycled housings",
        "Lab Partner",
        "Aurora 4",
    ):
        assert text in html, text


@pytest.mark.parametrize("status", [Partner.Status.PENDING, Partner.Status.SUSPENDED])
def test_a_partner_that_is_not_active_is_404_except_for_its_members_and_staff(client, status):
    member = UserFactory()
    partner = PartnerFactory(status=status, members=[member])

    assert page_of(client, partner).status_code == 404
    client.force_login(UserFactory())
    assert page_of(client, partner).status_code == 404
    client.force_login(member)
    assert page_of(client, partner).status_code == 200
    client.force_login(staff())
    response = page_of(client, partner)
    assert response.status_code == 200
    assert 'data-testid="partner-status"' in response.content.decode()


def test_unknown_slug_is_404(client):
    assert client.get(reverse("partners:detail", args=["nobody"])).status_code == 404


def test_members_see_an_edit_link_others_do_not(client):
    member = UserFactory()
    partner = PartnerFactory(members=[member])
    edit_url = reverse("partners:profile", args=[partner.slug])

    assert edit_url not in page_of(client, partner).content.decode()
    client.force_login(member)
    assert edit_url in page_of(client, partner).content.decode()


def test_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    partner = PartnerFactory()
    SupplyFactory(partner=partner)
    ProjectFactory(partners=[partner], products=[ProductFactory()])
    # partner, supplies+parts, provisions+services, projects, their partners, their products
    with django_assert_num_queries(6):
        page_of(client, partner)

    SupplyFactory.create_batch(5, partner=partner)
    ProvisionFactory.create_batch(3, partner=partner)
    for _ in range(4):
        ProjectFactory(
            partners=[partner, PartnerFactory()], products=ProductFactory.create_batch(2)
        )
    with django_assert_num_queries(6):
        page_of(client, partner)


def test_product_and_parts_pages_name_their_active_suppliers_and_providers(client):
    product = ProductFactory(slug="aurora-9")
    part = PartFactory(name="Aurora 9 battery", compatible_with=[product])
    service = ValueAddedServiceFactory(name="Care for Aurora 9", for_products=[product])
    SupplyFactory(part=part, partner=PartnerFactory(name="Cell Maker", slug="cell-maker"))
    SupplyFactory(
        part=part, partner=PartnerFactory(name="Gone Co", status=Partner.Status.SUSPENDED)
    )
    ProvisionFactory(service=service, partner=PartnerFactory(name="Insure AG", slug="insure-ag"))

    product_page = client.get(reverse("products:detail", args=["aurora-9"])).content.decode()
    parts_page = client.get(reverse("products:parts")).content.decode()

    for html in (product_page, parts_page):
        assert "Supplied by" in html
        assert 'href="/partners/cell-maker/">Cell Maker</a>' in html
        assert "Gone Co" not in html
    assert 'href="/partners/insure-ag/">Insure AG</a>' in product_page
