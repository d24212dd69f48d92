"""Forms that think: the new-ticket form's defaults and the accessible star rating."""

import re

import pytest
from django.urls import reverse

from service_desk.forms import TicketForm
from tests.factories.products import ProductFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def selected_value(html: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    return (chosen.group(1) or None) if chosen else None


def test_the_only_unit_and_its_product_are_preselected(client, alice, product):
    unit = RegistrationFactory(customer=alice, product=product)
    client.force_login(alice)

    html = client.get(reverse("service_desk:ticket_new")).content.decode()

    assert selected_value(html, "product") == str(product.pk)
    assert selected_value(html, "registration") == str(unit.pk)
    assert f'data-product="{product.pk}"' in html


def test_with_several_units_nothing_is_preselected(client, alice, product):
    RegistrationFactory(customer=alice, product=product)
    RegistrationFactory(customer=alice, product=ProductFactory())
    client.force_login(alice)

    html = client.get(reverse("service_desk:ticket_new")).content.decode()

    assert selected_value(html, "product") is None
    assert selected_value(html, "registration") is None
    assert "— choose a product —" in html


def test_a_linked_product_wins_over_the_only_unit(client, alice, product):
    RegistrationFactory(customer=alice, product=product)
    other = ProductFactory()
    client.force_login(alice)

    url = reverse("service_desk:ticket_new") + f"?product={other.slug}"
    html = client.get(url).content.decode()

    assert selected_value(html, "product") == str(other.pk)
    assert selected_value(html, "registration") is None


def test_a_unit_of_another_product_is_refused(alice, product):
    unit = RegistrationFactory(customer=alice, product=ProductFactory())
    form = TicketForm(
        {
            "product": product.pk,
            "registration": unit.pk,
            "category": "technical_support",
            "subject": "Dead",
            "description": "It is dead.",
        },
        customer=alice,
    )

    assert not form.is_valid()
    assert "registration" in form.errors
