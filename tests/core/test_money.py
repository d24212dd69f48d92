"""Prices carry an ISO 4217 currency, read in the reader's locale, and never add across currencies."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from cocreate.core.money import format_money, sum_by_currency, validate_currency
from products.models import Part
from tests.factories.products import PartFactory


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en", "EUR", "€1,234.50"),
        ("en", "USD", "$1,234.50"),
        ("en", "CNY", "CN¥1,234.50"),
        ("zh-hans", "EUR", "€1,234.50"),
        ("zh-hans", "USD", "US$1,234.50"),
        ("zh-hans", "CNY", "¥1,234.50"),
        ("en", "JPY", "¥1,234"),  # no minor unit; half to even
    ],
)
def test_money_is_formatted_for_the_readers_locale(language, currency, expected):
    assert format_money(Decimal("1234.5"), currency, language) == expected


def test_the_template_filter_uses_the_active_language():
    template = Template("{% load products_tags %}{{ price|money:'USD' }}")

    with translation.override("zh-hans"):
        chinese = template.render(Context({"price": Decimal("1299")}))
    with translation.override("en"):
        english = template.render(Context({"price": Decimal("1299")}))

    assert (chinese, english) == ("US$1,299.00", "$1,299.00")


def test_no_amount_is_blank():
    assert format_money(None, "EUR") == ""


def test_totals_are_kept_per_currency():
    totals = sum_by_currency(
        [(Decimal("10.00"), "EUR"), (Decimal("5.50"), "USD"), (Decimal("2.25"), "EUR")]
    )

    assert totals == {"EUR": Decimal("12.25"), "USD": Decimal("5.50")}


@pytest.mark.parametrize("code", ["XYZ", "eur", "EURO", "", "BTC", "€"])
def test_a_code_outside_iso_4217_is_a_validation_error(code):
    with pytest.raises(ValidationError):
        validate_currency(code)


@pytest.mark.django_db
def test_a_price_in_an_unknown_currency_does_not_validate():
    part = PartFactory.build(currency="ABC")

    with pytest.raises(ValidationError) as error:
        part.full_clean(exclude=["compatible_products"])

    assert "currency" in error.value.message_dict


@pytest.mark.django_db
def test_the_admin_form_refuses_an_unknown_currency(rf, admin_user):
    part = PartFactory()
    request = rf.get("/")
    request.user = admin_user
    form_class = admin.site.get_model_admin(Part).get_form(request, part)
    data = {field: getattr(part, field) for field in ("name", "sku", "kind", "price")}

    form = form_class(data={**data, "currency": "ZZZ"}, instance=part)

    assert not form.is_valid()
    assert "currency" in form.errors
