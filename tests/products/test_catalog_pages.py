from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from products.models import Part, Product
from tests.factories.products import (
    PartFactory,
    ProductFactory,
    ProductLineFactory,
    ValueAddedServiceFactory,
    generation_chain,
)

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_catalog_groups_products_by_line_in_line_order(client):
    phones = ProductLineFactory(name="Phones", slug="phones", position=1)
    routers = ProductLineFactory(name="Routers", slug="routers", position=2)
    ProductFactory(line=routers, name="Beacon AX6000")
    ProductFactory(line=phones, name="Aurora 3")

    html = _html(client.get(reverse("products:catalog")))
    html = html[html.index('id="catalog-results"') :]

    assert html.index("Phones") < html.index("Aurora 3") < html.index("Routers")
    assert html.index("Routers") < html.index("Beacon AX6000")
    assert reverse("products:line", args=["phones"]) in html


def test_catalog_search_finds_by_name_model_number_and_description(client):
    ProductFactory(name="Aurora 3", model_number="AUR-3-256", description="OLED phone")
    ProductFactory(
        name="Beacon AX6000", model_number="BCN-AX6000", description="Tri-band mesh router"
    )
    url = reverse("products:catalog")

    assert "Aurora 3" in _html(client.get(url, {"q": "aurora"}))
    assert "Beacon AX6000" not in _html(client.get(url, {"q": "aurora"}))
    assert "Beacon AX6000" in _html(client.get(url, {"q": "routers"}))  # stemmed
    assert "Beacon AX6000" in _html(client.get(url, {"q": "bcn-ax6000"}))
    assert "Aurora 3" in _html(client.get(url, {"q": "auro"}))  # prefix while typing


def test_catalog_search_finds_by_specification(client):
    ProductFactory(name="Aurora 3", specs={"Water resistance": "IP68"})
    ProductFactory(name="Aurora 1", specs={"Water resistance": "none"})

    html = _html(client.get(reverse("products:catalog"), {"q": "IP68"}))

    assert "Aurora 3" in html and "Aurora 1" not in html
    assert "1 product matches “IP68”." in html


def test_catalog_search_says_when_nothing_matches(client):
    ProductFactory(name="Aurora 3")

    html = _html(client.get(reverse("products:catalog"), {"q": "toaster"}))

    assert "Nothing in the catalog matches “toaster”." in html
    assert 'class="product-card"' not in html


def test_catalog_search_survives_punctuation_only_and_tsquery_syntax(client):
    ProductFactory(name="Aurora 3")
    url = reverse("products:catalog")

    for text in ["&|!():*", "'", "aurora & (", '"unterminated', "-"]:
        assert client.get(url, {"q": text}).status_code == 200


def test_catalog_filters_by_lifecycle_and_counts_each_status(client):
    ProductFactory(name="Aurora 3", status=Product.Status.ON_SALE)
    ProductFactory(name="Aurora 4", status=Product.Status.IN_DEVELOPMENT)

    html = _html(client.get(reverse("products:catalog"), {"status": "in_development"}))

    assert "Aurora 4" in html and "Aurora 3" not in html
    assert 'aria-current="page">In development <span class="tab-count">1</span>' in html


def test_an_unknown_status_is_ignored_and_the_search_still_applies(client):
    ProductFactory(name="Aurora 3")
    ProductFactory(name="Sonata Two")

    html = _html(client.get(reverse("products:catalog"), {"status": "bogus", "q": "aurora"}))

    assert "Aurora 3" in html and "Sonata Two" not in html


def test_live_search_answers_htmx_with_the_results_only(client):
    ProductFactory(name="Aurora 3")

    html = _html(client.get(reverse("products:catalog"), {"q": "aurora"}, HTTP_HX_REQUEST="true"))

    assert html.lstrip().startswith('<div id="catalog-results"')
    assert "<html" not in html


def test_line_page_lists_only_its_products(client):
    line = ProductLineFactory(name="Sonata smart speakers", slug="speakers")
    ProductFactory(line=line, name="Sonata Two")
    ProductFactory(name="Aurora 3")

    html = _html(client.get(reverse("products:line", args=["speakers"])))

    assert "Sonata Two" in html and "Aurora 3" not in html


def test_unknown_line_and_product_are_404(client):
    assert client.get(reverse("products:line", args=["nope"])).status_code == 404
    assert client.get(reverse("products:detail", args=["nope"])).status_code == 404


def test_product_page_shows_specs_services_with_prices_and_compatible_parts(client):
    product = ProductFactory(
        name="Aurora 3", specs={"battery": "5,000 mAh", "water_resistance": "IP68"}
    )
    PartFactory(name="Aurora 3 battery", price="39.90", compatible_with=[product])
    PartFactory(name="Charger for another phone")
    ValueAddedServiceFactory(
        name="Theft insurance", price="6.99", billing="monthly", for_products=[product]
    )

    html = _html(client.get(product.get_absolute_url()))

    assert "Water resistance" in html and "IP68" in html
    assert "Aurora 3 battery" in html and "€39.90" in html
    assert "Charger for another phone" not in html
    assert "Theft insurance" in html and "€6.99" in html and "/ month" in html


def test_product_page_walks_the_whole_generation_chain(client):
    first, second, third, fourth = generation_chain(4)

    html = _html(client.get(second.get_absolute_url()))

    timeline = html[html.index('data-testid="generation-timeline"') :]
    positions = [timeline.index(product.name) for product in (first, second, third, fourth)]
    assert positions == sorted(positions)
    assert f'<strong aria-current="page">{second.name}</strong>' in timeline
    assert reverse("products:detail", args=[fourth.slug]) in timeline


def test_product_in_development_invites_ideas(client):
    product = ProductFactory(
        status=Product.Status.IN_DEVELOPMENT, launch_date=timezone.localdate() + timedelta(days=270)
    )

    html = _html(client.get(product.get_absolute_url()))

    assert "This generation is still being designed" in html
    assert "Planned launch" in html
    assert "Register your unit" not in html


def test_parts_page_filters_by_kind_and_compatible_product(client):
    phone = ProductFactory(slug="aurora-3")
    PartFactory(name="Aurora battery", kind=Part.Kind.SPARE_PART, compatible_with=[phone])
    PartFactory(name="Aurora case", kind=Part.Kind.ACCESSORY, compatible_with=[phone])
    PartFactory(name="Router mount", kind=Part.Kind.SPARE_PART)
    url = reverse("products:parts")

    html = _html(client.get(url, {"kind": "spare_part", "product": "aurora-3"}))

    assert "Aurora battery" in html
    assert "Aurora case" not in html and "Router mount" not in html


@pytest.mark.parametrize("parameter", ["compatible_with", "product"])
def test_parts_page_takes_the_api_filter_name_and_keeps_old_links_working(client, parameter):
    phone = ProductFactory(slug="aurora-3", name="Aurora 3")
    PartFactory(name="Aurora battery", compatible_with=[phone])
    PartFactory(name="Router mount")

    response = client.get(reverse("products:parts"), {parameter: "aurora-3"})

    html = _html(response)
    assert response.status_code == 200
    assert "Aurora battery" in html and "Router mount" not in html
    assert "fit Aurora 3" in html
    assert response.context["form"]["compatible_with"].value() == "aurora-3"


def test_parts_page_prefers_compatible_with_over_the_old_name(client):
    PartFactory(name="Aurora battery", compatible_with=[ProductFactory(slug="aurora-3")])
    PartFactory(name="Beacon mount", compatible_with=[ProductFactory(slug="beacon")])

    html = _html(
        client.get(reverse("products:parts"), {"compatible_with": "beacon", "product": "aurora-3"})
    )

    assert "Beacon mount" in html and "Aurora battery" not in html


def test_parts_page_with_an_unknown_product_shows_the_error_and_every_part(client):
    PartFactory(name="Router mount")

    PartFactory(name="Aurora case", kind=Part.Kind.SPARE_PART)

    html = _html(client.get(reverse("products:parts"), {"product": "nope", "kind": "accessory"}))

    assert "Router mount" in html and "Aurora case" not in html  # the kind still applies
    assert 'class="error"' in html


def test_reserved_paths_cannot_become_product_slugs():
    from django.core.exceptions import ValidationError

    product = ProductFactory.build(slug="mine", line=ProductLineFactory())

    with pytest.raises(ValidationError) as error:
        product.full_clean()

    assert "slug" in error.value.message_dict


def test_product_page_shows_the_first_parts_and_links_to_all_of_them(client):
    from products.selectors import PRODUCT_PAGE_PARTS

    product = ProductFactory(slug="forge-s2")
    PartFactory.create_batch(PRODUCT_PAGE_PARTS + 3, compatible_with=[product])
    PartFactory(name="Fits something else")

    html = _html(client.get(product.get_absolute_url()))

    assert html.count("<code>SKU-") == PRODUCT_PAGE_PARTS
    assert f"All {PRODUCT_PAGE_PARTS + 3} parts that fit" in html
    assert "?compatible_with=forge-s2" in html
