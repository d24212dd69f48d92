"""The catalog stands on its own: what the floors above add to its pages (the partners behind a
part or a service, the ideas adopted into a product) comes through the contracts they fill."""

import pytest

from tests.factories.community import PostFactory
from tests.factories.partners import SupplyFactory
from tests.factories.products import PartFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("registered", [True, False], ids=["registered", "alone"])
def test_the_product_page_shows_what_the_apps_above_registered(client, monkeypatch, registered):
    if not registered:
        monkeypatch.setattr("products.selectors._partners_listed", {})
        monkeypatch.setattr("products.selectors._cocreated_ideas", None)
    product = ProductFactory()
    part = PartFactory(name="Spare battery", compatible_with=[product])
    SupplyFactory(part=part)
    PostFactory(adopted_in=product, status="adopted")

    response = client.get(product.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Spare battery" in html
    assert ("Supplied by" in html) is registered
    assert ("Co-created with the community" in html) is registered
