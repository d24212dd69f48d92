"""Releasing a generation: one service puts it on sale and hands the release to the floors above
(through `register_release_hook`) in the same transaction; the admin releases through it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from products import services
from products.models import Product
from products.services import product_release
from tests.factories.accounts import customer, staff
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook_calls(monkeypatch):
    """Only this test's hook runs: what it saw, each time the release called it."""
    calls = []

    def hook(*, product, by):
        calls.append((product.pk, Product.objects.get(pk=product.pk).status, by.pk))

    monkeypatch.setattr(services, "_release_hooks", [hook])
    return calls


@pytest.mark.parametrize("status", [Product.Status.CONCEPT, Product.Status.IN_DEVELOPMENT])
def test_a_release_puts_the_generation_on_sale_and_tells_the_floors_above(hook_calls, status):
    product = ProductFactory(status=status, launch_date=None)
    releaser = staff()

    released = product_release(product=product, by=releaser)

    product.refresh_from_db()
    assert released.status == product.status == Product.Status.ON_SALE
    assert product.launch_date == timezone.localdate()
    # The hook ran in the release's transaction: it already saw the product on sale.
    assert hook_calls == [(product.pk, Product.Status.ON_SALE, releaser.pk)]


def test_a_planned_launch_date_becomes_the_day_of_the_release_a_past_one_stays(hook_calls):
    today = timezone.localdate()
    early = ProductFactory(status="in_development", launch_date=today + timedelta(days=90))
    late = ProductFactory(status="in_development", launch_date=date(2025, 3, 1))

    product_release(product=early, by=staff())
    product_release(product=late, by=staff())

    early.refresh_from_db()
    late.refresh_from_db()
    assert early.launch_date == today
    assert late.launch_date == date(2025, 3, 1)


@pytest.mark.parametrize("status", [Product.Status.ON_SALE, Product.Status.DISCONTINUED])
def test_releasing_a_released_generation_changes_nothing_and_catches_up(hook_calls, status):
    product = ProductFactory(status=status, launch_date=date(2024, 9, 10))

    product_release(product=product, by=staff())
    product_release(product=product, by=staff())

    product.refresh_from_db()
    assert (product.status, product.launch_date) == (status, date(2024, 9, 10))
    # Each call hands the release on: the hooks are idempotent, and credit what was adopted since.
    assert len(hook_calls) == 2


def test_a_failing_hook_undoes_the_release(monkeypatch):
    def hook(*, product, by):
        raise RuntimeError("the credits could not be written")

    monkeypatch.setattr(services, "_release_hooks", [hook])
    product = ProductFactory(status="in_development", launch_date=None)

    with pytest.raises(RuntimeError):
        product_release(product=product, by=staff())

    product.refresh_from_db()
    assert product.status == Product.Status.IN_DEVELOPMENT
    assert product.launch_date is None


def test_only_staff_who_edit_the_catalog_release(hook_calls):
    product = ProductFactory(status="in_development")

    with pytest.raises(PermissionDenied):
        product_release(product=product, by=customer())

    product.refresh_from_db()
    assert product.status == Product.Status.IN_DEVELOPMENT
    assert hook_calls == []


def _change_form(product: Product, **changes) -> dict:
    data = {
        "line": product.line_id,
        # The texts in each language, side by side (products/translation.py).
        "name_en": product.name,
        "name_zh_hans": "",
        "slug": product.slug,
        "model_number": product.model_number,
        "status": product.status,
        "generation": product.generation,
        "predecessor": "",
        "launch_date": "",
        "description_en": product.description,
        "description_zh_hans": "",
        "specs_en": "{}",
        "specs_zh_hans": "{}",
        "illustration": product.illustration,
        "warranty_months": product.warranty_months,
    }
    for prefix in ("Part_compatible_products-", "ValueAddedService_products-"):
        data |= {
            f"{prefix}TOTAL_FORMS": 0,
            f"{prefix}INITIAL_FORMS": 0,
            f"{prefix}MIN_NUM_FORMS": 0,
            f"{prefix}MAX_NUM_FORMS": 1000,
        }
    return data | changes


def test_saving_on_sale_in_the_admin_is_a_release(client, hook_calls):
    product = ProductFactory(status="in_development", launch_date=None)
    releaser = staff()
    client.force_login(releaser)

    response = client.post(
        reverse("admin:products_product_change", args=[product.pk]),
        _change_form(product, status="on_sale", description_en="Now on sale."),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert product.status == Product.Status.ON_SALE
    assert product.description == "Now on sale."
    assert product.launch_date == timezone.localdate()
    assert hook_calls == [(product.pk, Product.Status.ON_SALE, releaser.pk)]


def test_saving_a_product_already_on_sale_is_no_release(client, hook_calls):
    product = ProductFactory(status="on_sale")
    client.force_login(staff())

    response = client.post(
        reverse("admin:products_product_change", args=[product.pk]),
        _change_form(product, description_en="A new text."),
    )

    assert response.status_code == 302
    assert hook_calls == []


def test_the_admin_action_releases_the_chosen_generations(client, hook_calls):
    coming = ProductFactory(status="in_development")
    out = ProductFactory(status="on_sale")
    untouched = ProductFactory(status="concept")
    client.force_login(staff())

    response = client.post(
        reverse("admin:products_product_changelist"),
        {"action": "release", "_selected_action": [coming.pk, out.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "2 products released" in response.content.decode()
    assert {pk for pk, _status, _by in hook_calls} == {coming.pk, out.pk}
    statuses = dict(Product.objects.values_list("pk", "status"))
    assert statuses[coming.pk] == statuses[out.pk] == Product.Status.ON_SALE
    assert statuses[untouched.pk] == Product.Status.CONCEPT
