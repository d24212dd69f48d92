from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from products.models import Product, Registration
from tests.factories.accounts import customer
from tests.factories.products import ProductFactory, RegistrationFactory
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db


def test_my_products_needs_a_login(client):
    response = client.get(reverse("products:mine"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_my_products_lists_my_units_with_their_warranty_status(client):
    owner = customer()
    today = timezone.localdate()
    RegistrationFactory(
        customer=owner,
        product=ProductFactory(name="Aurora 3"),
        purchased_on=today - timedelta(days=30),
        warranty_ends_on=today + timedelta(days=700),
    )
    RegistrationFactory(
        customer=owner,
        product=ProductFactory(name="Aurora 1"),
        purchased_on=date(2020, 10, 1),
        warranty_ends_on=date(2022, 10, 1),
    )
    RegistrationFactory(product=ProductFactory(name="Someone else's Sonata"))
    client.force_login(owner)

    html = client.get(reverse("products:mine")).content.decode()
    html = html[html.index('data-testid="my-products"') : html.index('id="register"')]

    warranty_end = today + timedelta(days=700)
    assert (
        "Aurora 3" in html
        and (
            f'Under warranty until <time datetime="{warranty_end.isoformat()}">'
            f"{date_format(warranty_end, 'DATE_FORMAT')}</time>"
        )
        in html
    )
    assert (
        "Aurora 1" in html
        and 'Warranty expired on <time datetime="2022-10-01">Oct 1, 2022</time>' in html
    )
    assert "Someone else" not in html


def test_the_warranty_still_runs_on_its_last_day(client):
    owner = customer()
    RegistrationFactory(customer=owner, warranty_ends_on=timezone.localdate())
    client.force_login(owner)

    assert "Under warranty until" in client.get(reverse("products:mine")).content.decode()


def test_registering_a_unit_from_the_page(client):
    owner = customer()
    ProductFactory(slug="aurora-3", name="Aurora 3", warranty_months=24)
    client.force_login(owner)
    purchased_on = timezone.localdate() - timedelta(days=30)

    response = client.post(
        reverse("products:mine"),
        {
            "product": "aurora-3",
            "serial_number": "aur3-0042",
            "purchased_on": purchased_on.isoformat(),
        },
        follow=True,
    )

    html = response.content.decode()
    assert "Aurora 3 (serial AUR3-0042) is registered to you." in html
    warranty_end = purchased_on + relativedelta(months=24)
    assert (
        f'Under warranty until <time datetime="{warranty_end.isoformat()}">'
        f"{date_format(warranty_end, 'DATE_FORMAT')}</time>"
    ) in html
    assert Registration.objects.get().customer == owner


def test_the_form_only_offers_products_that_are_sold(client):
    ProductFactory(slug="aurora-3", status=Product.Status.ON_SALE)
    ProductFactory(slug="aurora-4", status=Product.Status.IN_DEVELOPMENT)
    client.force_login(customer())

    html = client.get(reverse("products:mine")).content.decode()

    assert 'value="aurora-3"' in html and 'value="aurora-4"' not in html


def test_the_product_page_link_preselects_the_product(client):
    ProductFactory(slug="aurora-3")
    client.force_login(customer())

    html = client.get(reverse("products:mine"), {"product": "aurora-3"}).content.decode()

    assert 'value="aurora-3" selected' in html


def test_a_duplicate_serial_shows_on_the_form_and_saves_nothing(client):
    product = ProductFactory(slug="aurora-3", name="Aurora 3")
    RegistrationFactory(product=product, serial_number="AUR3-0042")
    client.force_login(customer())

    response = client.post(
        reverse("products:mine"),
        {"product": "aurora-3", "serial_number": "AUR3-0042", "purchased_on": "2026-02-01"},
    )

    html = response.content.decode()
    assert "This serial number is already registered for Aurora 3." in html
    assert 'id="id_serial_number_error"' in html
    assert Registration.objects.count() == 1


def test_a_future_date_and_an_unknown_product_show_on_the_form(client):
    client.force_login(customer())
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    html = client.post(
        reverse("products:mine"),
        {"product": "toaster", "serial_number": "SN-1", "purchased_on": tomorrow},
    ).content.decode()

    assert "Choose a product from the catalog." in html
    assert not Registration.objects.exists()

    ProductFactory(slug="aurora-3")
    html = client.post(
        reverse("products:mine"),
        {"product": "aurora-3", "serial_number": "SN-0001", "purchased_on": tomorrow},
    ).content.decode()
    assert "The purchase date cannot be in the future." in html
    assert not Registration.objects.exists()


def test_an_owner_removes_a_registration(client):
    registration = RegistrationFactory(product=ProductFactory(name="Aurora 3"))
    client.force_login(registration.customer)

    response = client.post(
        reverse("products:registration_remove", args=[registration.pk]), follow=True
    )

    assert "The registration of Aurora 3" in response.content.decode()
    assert not Registration.objects.exists()


def test_removing_a_unit_with_a_support_ticket_keeps_the_ticket(client):
    registration = RegistrationFactory(product=ProductFactory(name="Aurora 3"))
    ticket = TicketFactory(
        customer=registration.customer, product=registration.product, registration=registration
    )
    client.force_login(registration.customer)

    response = client.post(
        reverse("products:registration_remove", args=[registration.pk]), follow=True
    )

    assert "The registration of Aurora 3" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.product, ticket.registration) == (registration.product, None)


def test_removing_someone_elses_registration_is_404(client):
    registration = RegistrationFactory()
    client.force_login(customer())

    response = client.post(reverse("products:registration_remove", args=[registration.pk]))

    assert response.status_code == 404
    assert Registration.objects.exists()


def test_removal_is_a_post_only(client):
    registration = RegistrationFactory()
    client.force_login(registration.customer)

    response = client.get(reverse("products:registration_remove", args=[registration.pk]))

    assert response.status_code == 405
    assert Registration.objects.exists()


def test_product_page_tells_an_owner_they_own_one(client):
    registration = RegistrationFactory()
    client.force_login(registration.customer)

    html = client.get(registration.product.get_absolute_url()).content.decode()

    assert "You own one" in html
