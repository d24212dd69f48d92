import pytest

from tests.factories.products import PartFactory, ProductFactory


@pytest.fixture
def product(db):
    return ProductFactory(name="Nova Phone 3", slug="nova-phone-3")


@pytest.fixture
def part(product):
    return PartFactory(
        name="Fast charger 65 W", price="39.90", currency="EUR", compatible_with=[product]
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """These tests create many users; a slow hasher would only slow them down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
