from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cocreate.accounts.tokens import api_token_create
from products.models import Part, Product, Registration
from tests.factories.accounts import customer
from tests.factories.products import (
    PartFactory,
    ProductFactory,
    ProductLineFactory,
    RegistrationFactory,
    generation_chain,
)
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db


def test_products_list_has_the_issue_fields_and_paginates(client):
    first, second, third = generation_chain(3, line=ProductLineFactory(slug="phones"))

    body = client.get("/api/v1/products/").json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    by_slug = {product["slug"]: product for product in body["results"]}
    middle = by_slug[second.slug]
    assert middle["name"] == second.name
    assert middle["line"] == "phones"
    assert middle["generation"] == 2
    assert middle["status"] == "on_sale"
    assert middle["predecessor"] == first.slug
    assert middle["successor"] == third.slug
    assert by_slug[first.slug]["predecessor"] is None
    assert by_slug[third.slug]["successor"] is None


def test_products_filter_by_line_slug_and_status(client):
    phones = ProductLineFactory(slug="phones")
    ProductFactory(line=phones, slug="aurora-3", status=Product.Status.ON_SALE)
    ProductFactory(line=phones, slug="aurora-4", status=Product.Status.IN_DEVELOPMENT)
    ProductFactory(slug="beacon", status=Product.Status.ON_SALE)

    def slugs(**params):
        return {p["slug"] for p in client.get("/api/v1/products/", params).json()["results"]}

    assert slugs(line="phones") == {"aurora-3", "aurora-4"}
    assert slugs(status="on_sale") == {"aurora-3", "beacon"}
    assert slugs(line="phones", status="in_development") == {"aurora-4"}
    assert slugs(line="nope") == set()


def test_an_invalid_status_filter_is_a_400_in_the_error_format(client):
    response = client.get("/api/v1/products/", {"status": "sold_out"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "status" in response.json()["errors"]


def test_product_detail_is_by_slug(client):
    product = ProductFactory(slug="aurora-3", specs={"weight": "189 g"})

    body = client.get("/api/v1/products/aurora-3/").json()

    assert body["slug"] == "aurora-3"
    assert body["specs"] == {"weight": "189 g"}
    assert body["url"] == product.get_absolute_url()
    assert body["image"] is None  # the page shows a drawing instead
    assert client.get("/api/v1/products/nope/").status_code == 404


def test_the_catalog_is_read_only(client):
    client.force_login(customer())

    response = client.post("/api/v1/products/", {"slug": "x"}, content_type="application/json")

    assert response.status_code == 405


def test_parts_filter_by_compatible_product_and_kind(client):
    phone = ProductFactory(slug="aurora-3")
    PartFactory(sku="BAT", kind=Part.Kind.SPARE_PART, price="39.90", compatible_with=[phone])
    PartFactory(sku="CASE", kind=Part.Kind.ACCESSORY, compatible_with=[phone])
    PartFactory(sku="MOUNT", kind=Part.Kind.ACCESSORY)

    def skus(**params):
        return {p["sku"] for p in client.get("/api/v1/parts/", params).json()["results"]}

    assert skus(compatible_with="aurora-3") == {"BAT", "CASE"}
    assert skus(compatible_with="aurora-3", kind="spare_part") == {"BAT"}
    assert skus(kind="accessory") == {"CASE", "MOUNT"}
    battery = client.get("/api/v1/parts/", {"compatible_with": "aurora-3", "kind": "spare_part"})
    assert battery.json()["results"][0] == {
        "id": Part.objects.get(sku="BAT").pk,
        "sku": "BAT",
        "name": Part.objects.get(sku="BAT").name,
        "kind": "spare_part",
        "description": "",
        "price": "39.90",
        "currency": "EUR",
        "compatible_products": ["aurora-3"],
    }


def test_registrations_need_an_authenticated_caller(client):
    assert client.get("/api/v1/registrations/").status_code == 401


def test_registrations_list_only_the_callers_own(client):
    owner = customer()
    mine = RegistrationFactory(customer=owner)
    RegistrationFactory()
    client.force_login(owner)

    body = client.get("/api/v1/registrations/").json()

    assert [r["id"] for r in body["results"]] == [mine.pk]
    assert body["results"][0]["product"] == mine.product.slug


def test_another_customers_registration_is_404_to_read_and_to_delete(client):
    theirs = RegistrationFactory()
    client.force_login(customer())

    assert client.get(f"/api/v1/registrations/{theirs.pk}/").status_code == 404
    assert client.delete(f"/api/v1/registrations/{theirs.pk}/").status_code == 404
    assert Registration.objects.filter(pk=theirs.pk).exists()


def test_registering_a_unit_with_a_token(client):
    owner = customer()
    _token, key = api_token_create(user=owner, name="integration")
    ProductFactory(slug="aurora-3", warranty_months=24)
    purchased_on = timezone.localdate() - timedelta(days=30)

    response = client.post(
        "/api/v1/registrations/",
        {
            "product": "aurora-3",
            "serial_number": "aur3-7f2k",
            "purchased_on": purchased_on.isoformat(),
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["product"] == "aurora-3"
    assert body["serial_number"] == "AUR3-7F2K"
    assert body["warranty_ends_on"] == (purchased_on + relativedelta(months=24)).isoformat()
    assert body["under_warranty"] is True
    assert Registration.objects.get().customer == owner


def test_a_unit_bought_longer_ago_than_its_warranty_is_registered_out_of_warranty(client):
    ProductFactory(slug="aurora-3", warranty_months=24)
    client.force_login(customer())
    purchased_on = timezone.localdate() - relativedelta(months=24, days=1)

    response = _post(
        client, product="aurora-3", serial_number="SN-0001", purchased_on=purchased_on.isoformat()
    )

    assert response.status_code == 201
    assert response.json()["under_warranty"] is False


def _post(client, **data):
    return client.post("/api/v1/registrations/", data, content_type="application/json")


def test_a_duplicate_serial_is_a_400_field_error(client):
    RegistrationFactory(product=ProductFactory(slug="aurora-3"), serial_number="SN-0001")
    client.force_login(customer())

    response = _post(client, product="aurora-3", serial_number="sn-0001", purchased_on="2026-01-01")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["serial_number"]
    assert Registration.objects.count() == 1


def test_an_unknown_product_is_a_400_field_error(client):
    client.force_login(customer())

    response = _post(client, product="toaster", serial_number="SN-0001", purchased_on="2026-01-01")

    assert response.status_code == 400
    assert response.json()["errors"] == {"product": ["No product has the slug “toaster”."]}
    assert not Registration.objects.exists()


def test_a_future_purchase_date_is_a_400_field_error(client):
    ProductFactory(slug="aurora-3")
    client.force_login(customer())
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = _post(client, product="aurora-3", serial_number="SN-0001", purchased_on=tomorrow)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "purchased_on": ["The purchase date cannot be in the future."]
    }
    assert not Registration.objects.exists()


def test_missing_fields_are_listed(client):
    client.force_login(customer())

    response = _post(client)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"product", "serial_number", "purchased_on"}


def test_read_only_fields_cannot_be_forged(client):
    ProductFactory(slug="aurora-3", warranty_months=24)
    client.force_login(customer())

    response = _post(
        client,
        product="aurora-3",
        serial_number="SN-0001",
        purchased_on="2026-01-01",
        warranty_ends_on="2099-01-01",
    )

    assert response.json()["warranty_ends_on"] == "2028-01-01"


def test_an_owner_deletes_their_registration(client):
    registration = RegistrationFactory(purchased_on=date(2026, 1, 1))
    client.force_login(registration.customer)

    response = client.delete(f"/api/v1/registrations/{registration.pk}/")

    assert response.status_code == 204
    assert not Registration.objects.exists()


def test_deleting_a_registration_a_ticket_refers_to_keeps_the_ticket(client):
    registration = RegistrationFactory()
    ticket = TicketFactory(
        customer=registration.customer, product=registration.product, registration=registration
    )
    client.force_login(registration.customer)

    response = client.delete(f"/api/v1/registrations/{registration.pk}/")

    assert response.status_code == 204
    ticket.refresh_from_db()
    assert (ticket.product, ticket.registration) == (registration.product, None)


def test_the_schema_documents_the_catalog_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()

    for path in ["/api/v1/products/{slug}/", "/api/v1/parts/", "/api/v1/registrations/{id}/"]:
        assert path in schema


def test_a_product_not_sold_yet_cannot_be_registered(client):
    ProductFactory(slug="aurora-4", status=Product.Status.IN_DEVELOPMENT)
    client.force_login(customer())

    response = _post(client, product="aurora-4", serial_number="SN-0001", purchased_on="2026-01-01")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["product"]
    assert not Registration.objects.exists()


def test_an_anonymous_caller_cannot_register(client):
    ProductFactory(slug="aurora-3")

    response = _post(client, product="aurora-3", serial_number="SN-0001", purchased_on="2026-01-01")

    assert response.status_code == 401
    assert not Registration.objects.exists()


def test_registrations_cannot_be_edited(client):
    registration = RegistrationFactory()
    client.force_login(registration.customer)

    response = client.patch(
        f"/api/v1/registrations/{registration.pk}/",
        {"serial_number": "OTHER-1"},
        content_type="application/json",
    )

    assert response.status_code == 405
