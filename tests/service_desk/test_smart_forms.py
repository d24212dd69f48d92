"""Forms that think: the new-ticket form's defaults and the accessible star rating."""

import re

import pytest
from django.urls import reverse

from service_desk import services
from service_desk.forms import TicketForm
from service_desk.models import Category, Ticket
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


@pytest.fixture
def resolved_ticket(alice, product, sam):
    ticket = services.ticket_create(
        customer=alice,
        product=product,
        category=Category.TECHNICAL_SUPPORT,
        subject="No sound",
        description="Silent.",
    )
    services.ticket_change_status(ticket=ticket, actor=sam, status=Ticket.Status.RESOLVED)
    return ticket


def test_the_rating_is_a_fieldset_of_five_labelled_stars_in_order(client, alice, resolved_ticket):
    client.force_login(alice)

    html = client.get(resolved_ticket.get_absolute_url()).content.decode()

    rating = re.search(r'<fieldset class="star-rating">(.*?)</fieldset>', html, re.S).group(1)
    assert re.search(r"<legend>\s*How did we do\?\s*</legend>", rating)
    values = re.findall(r'<input type="radio" name="score" value="(\d)"', rating)
    assert values == ["1", "2", "3", "4", "5"]
    labels = re.findall(r'<span class="visually-hidden">([^<]+)</span>', rating)
    assert labels == [
        "1 star – poor",
        "2 stars – fair",
        "3 stars – good",
        "4 stars – very good",
        "5 stars – excellent",
    ]
    assert rating.count('aria-hidden="true">★</span>') == 5


def test_the_star_labels_are_translated_with_plural_forms(client, alice, resolved_ticket):
    alice.language = "zh-hans"
    alice.save()
    client.force_login(alice)

    html = client.get(resolved_ticket.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = html.content.decode()
    assert "5 stars – excellent" not in page
    assert "1 星 – 差" in page and "5 星 – 非常好" in page
    assert "我们做得怎么样？" in page


def test_a_rating_without_a_star_is_refused_on_the_form(client, alice, resolved_ticket):
    client.force_login(alice)

    response = client.post(reverse("service_desk:ticket_rate", args=[resolved_ticket.number]), {})

    html = response.content.decode()
    assert 'class="star-rating field-invalid"' in html
    resolved_ticket.refresh_from_db()
    assert resolved_ticket.csat_score is None
