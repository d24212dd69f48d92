"""Every catalog page and endpoint runs a fixed number of queries whatever the data size.

Each test measures the same request over a small and a much larger catalog.
"""

import pytest
from django.urls import reverse

from products.models import Product
from tests.factories.accounts import customer
from tests.factories.products import (
    PartFactory,
    ProductLineFactory,
    RegistrationFactory,
    ValueAddedServiceFactory,
    generation_chain,
)

pytestmark = pytest.mark.django_db

# The product page lists community ideas adopted into it once the community app is installed.
COCREATED = 1 if hasattr(Product, "adopted_posts") else 0
# An authenticated API request loads the user (the session comes from the cache); a page also
# reads the user's roles (the first time: then they come from the cache) and unread
# notifications for the header.
SESSION = 1
PAGE_SESSION = SESSION + 2
ROLES_CACHED = 1  # a signed-in page after the first reads the roles from the cache


def grow_catalog(*, lines: int, generations: int, owner=None) -> list[Product]:
    """Lines of generation chains, every product with parts, services and registered units."""
    products: list[Product] = []
    owner = owner or customer()
    for _ in range(lines):
        chain = generation_chain(generations, line=ProductLineFactory())
        products += chain
        PartFactory.create_batch(2, compatible_with=chain)
        ValueAddedServiceFactory.create_batch(2, for_products=chain)
        for product in chain:
            RegistrationFactory(product=product, customer=owner)
    return products


@pytest.fixture
def small_then_large():
    """Call once for the small catalog, once more to grow it tenfold."""
    calls = {"n": 0}

    def grow(owner=None):
        calls["n"] += 1
        if calls["n"] == 1:
            return grow_catalog(lines=1, generations=2, owner=owner)
        return grow_catalog(lines=3, generations=4, owner=owner)

    return grow


def assert_same_queries(
    django_assert_num_queries, client, url, expected, grow, *, then=None, **params
):
    """`expected` queries for the small catalog, `then` (by default the same) for the large."""
    grow()
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200
    grow()
    with django_assert_num_queries(expected if then is None else then):
        assert client.get(url, params).status_code == 200


# --- Pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "product"}, {"status": "on_sale"}, {"q": "product", "status": "on_sale"}],
    ids=["all", "search", "status", "search+status"],
)
def test_catalog_page(client, django_assert_num_queries, small_then_large, params):
    # status counts, lines, count, page
    assert_same_queries(
        django_assert_num_queries,
        client,
        reverse("products:catalog"),
        4,
        small_then_large,
        **params,
    )


def test_catalog_page_for_a_signed_in_customer(client, django_assert_num_queries, small_then_large):
    client.force_login(customer())
    assert_same_queries(
        django_assert_num_queries,
        client,
        reverse("products:catalog"),
        PAGE_SESSION + 4,
        small_then_large,
        then=PAGE_SESSION + 4 - ROLES_CACHED,
    )


def test_line_page(client, django_assert_num_queries):
    line = ProductLineFactory(slug="phones")
    generation_chain(2, line=line)
    # line, status counts, count, page
    with django_assert_num_queries(4):
        assert client.get(reverse("products:line", args=["phones"])).status_code == 200
    generation_chain(20, line=line)
    with django_assert_num_queries(4):
        assert client.get(reverse("products:line", args=["phones"])).status_code == 200


def test_product_page_however_long_the_chain_and_lists(client, django_assert_num_queries):
    chain = generation_chain(2)
    product = chain[-1]
    PartFactory(compatible_with=[product])
    ValueAddedServiceFactory(for_products=[product])
    # product with line and neighbours, parts, services, the generation chain (+ co-created)
    expected = 4 + COCREATED
    with django_assert_num_queries(expected):
        assert client.get(product.get_absolute_url()).status_code == 200

    longer = generation_chain(25, line=product.line)
    longer[0].predecessor = product
    longer[0].save()
    PartFactory.create_batch(15, compatible_with=[product])
    ValueAddedServiceFactory.create_batch(6, for_products=[product])
    with django_assert_num_queries(expected):
        html = client.get(product.get_absolute_url()).content.decode()
    assert longer[-1].name in html  # 27 generations walked in one query


def test_product_page_for_a_signed_in_customer(client, django_assert_num_queries):
    owner = customer()
    chain = generation_chain(3)
    product = chain[1]
    RegistrationFactory(product=product, customer=owner)
    client.force_login(owner)
    # + "you own one"
    expected = PAGE_SESSION + 5 + COCREATED
    with django_assert_num_queries(expected):
        response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    assert "You own one" in response.content.decode()

    longer = generation_chain(10, line=product.line)
    longer[0].predecessor = chain[-1]
    longer[0].save()
    PartFactory.create_batch(15, compatible_with=[product])
    ValueAddedServiceFactory.create_batch(5, for_products=[product])
    RegistrationFactory.create_batch(3, product=product, customer=owner)
    with django_assert_num_queries(expected - ROLES_CACHED):
        response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    assert longer[-1].name in response.content.decode()


@pytest.mark.skipif(not COCREATED, reason="the community app is not installed")
def test_product_page_with_adopted_ideas_and_partners_behind_its_parts_and_services(
    client, django_assert_num_queries
):
    from tests.factories.community import PostFactory
    from tests.factories.partners import PartnerFactory, ProvisionFactory, SupplyFactory

    older, product = generation_chain(2)

    def grow(n: int) -> None:
        """`n` adopted ideas, and `n` partners each supplying a part and providing a service."""
        for _ in range(n):
            PostFactory(product=older, adopted_in=product, status="adopted", vote_count=n)
            partner = PartnerFactory()
            SupplyFactory(partner=partner, part=PartFactory(compatible_with=[product]))
            ProvisionFactory(
                partner=partner, service=ValueAddedServiceFactory(for_products=[product])
            )

    # product, parts with their suppliers, services with their providers, chain, co-created
    # ideas with their authors, the people credited for them, the team's latest answers
    expected = 7
    grow(1)
    with django_assert_num_queries(expected):
        response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Co-created with the community" in html
    assert "Supplied by" in html and "Provided by" in html

    grow(8)
    with django_assert_num_queries(expected):
        response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="card cocreated-idea"') == 6  # the page's limit


@pytest.mark.parametrize("kind", ["", "component"])
@pytest.mark.parametrize(
    "fits", [None, "compatible_with", "product"], ids=["any", "fits", "fits-old-link"]
)
def test_parts_page(client, django_assert_num_queries, kind, fits):
    products = grow_catalog(lines=1, generations=2)
    params = {"kind": kind, **({fits: products[0].slug} if fits else {})}
    PartFactory(kind="component", compatible_with=products).ships_in.add(products[0])
    # products for the filter, count, page, compatible products, the products they ship in
    # (+ the filtered product)
    expected = 5 + (1 if fits else 0)
    with django_assert_num_queries(expected):
        assert client.get(reverse("products:parts"), params).status_code == 200
    grow_catalog(lines=3, generations=4)
    for part in PartFactory.create_batch(8, kind="component", compatible_with=products):
        part.ships_in.add(*products)
    with django_assert_num_queries(expected):
        response = client.get(reverse("products:parts"), params)
    assert response.status_code == 200 and "Fitted at the factory in" in response.content.decode()


def test_my_products_page(client, django_assert_num_queries, small_then_large):
    owner = customer()
    client.force_login(owner)
    # count, registrations with products and lines, products for the form
    small_then_large(owner)
    with django_assert_num_queries(PAGE_SESSION + 3):
        assert client.get(reverse("products:mine")).status_code == 200
    small_then_large(owner)
    with django_assert_num_queries(PAGE_SESSION + 3 - ROLES_CACHED):
        assert client.get(reverse("products:mine")).status_code == 200


# --- API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["", "line", "status"])
def test_products_endpoint(client, django_assert_num_queries, by):
    products = grow_catalog(lines=1, generations=2)
    params = {"line": {"line": products[0].line.slug}, "status": {"status": "on_sale"}}.get(by, {})
    with django_assert_num_queries(2):
        assert client.get("/api/v1/products/", params).json()["count"] == 2
    grow_catalog(lines=3, generations=4)
    generation_chain(6, line=products[0].line)
    with django_assert_num_queries(2):
        assert client.get("/api/v1/products/", params).json()["count"] > 2


def test_product_endpoint(client, django_assert_num_queries, small_then_large):
    products = small_then_large()
    with django_assert_num_queries(1):
        assert client.get(f"/api/v1/products/{products[0].slug}/").status_code == 200
    small_then_large()
    with django_assert_num_queries(1):
        assert client.get(f"/api/v1/products/{products[0].slug}/").status_code == 200


@pytest.mark.parametrize("compatible_with", [None, "first"], ids=["all", "compatible_with"])
def test_parts_endpoint(client, django_assert_num_queries, compatible_with):
    products = grow_catalog(lines=1, generations=2)
    params = {"compatible_with": products[0].slug} if compatible_with else {}
    with django_assert_num_queries(3):
        client.get("/api/v1/parts/", params)
    grow_catalog(lines=3, generations=4)
    PartFactory.create_batch(10, compatible_with=products)
    with django_assert_num_queries(3):
        client.get("/api/v1/parts/", params)


def test_part_endpoint(client, django_assert_num_queries):
    part = PartFactory(compatible_with=generation_chain(2))
    with django_assert_num_queries(2):
        client.get(f"/api/v1/parts/{part.pk}/")
    part.compatible_products.add(*generation_chain(10))
    with django_assert_num_queries(2):
        client.get(f"/api/v1/parts/{part.pk}/")


def test_registrations_endpoint(client, django_assert_num_queries, small_then_large):
    owner = customer()
    client.force_login(owner)
    small_then_large(owner)
    # session, user, count, page with products
    with django_assert_num_queries(SESSION + 2):
        client.get("/api/v1/registrations/")
    small_then_large(owner)
    with django_assert_num_queries(SESSION + 2):
        client.get("/api/v1/registrations/")


def test_registration_endpoint(client, django_assert_num_queries):
    registration = RegistrationFactory()
    client.force_login(registration.customer)
    with django_assert_num_queries(SESSION + 1):
        client.get(f"/api/v1/registrations/{registration.pk}/")


def test_registering_through_the_api(client, django_assert_num_queries):
    owner = customer()
    product = generation_chain(1)[0]
    client.force_login(owner)
    # session, user, product by slug, savepoint + insert + release
    with django_assert_num_queries(SESSION + 4):
        response = client.post(
            "/api/v1/registrations/",
            {"product": product.slug, "serial_number": "SN-0001", "purchased_on": "2026-01-02"},
            content_type="application/json",
        )
    assert response.status_code == 201
