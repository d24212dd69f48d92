"""Shipments link to their carrier's tracking page (a table staff extend in the admin)."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from service_desk import selectors, services
from service_desk.models import Carrier, Shipment
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seeded_carriers():
    """What migration 0011 gives a new database (a flush by an earlier transactional test takes
    it away again); seeding twice adds nothing."""
    seed = import_module("service_desk.migrations.0011_carrier").seed_carriers
    seed(apps, None)
    seed(apps, None)


def ship(ticket, agent, carrier, number):
    return services.shipment_create(
        ticket=ticket,
        actor=agent,
        direction=Shipment.Direction.OUTBOUND,
        carrier=carrier,
        tracking_number=number,
    )


def test_the_known_carriers_are_seeded():
    names = set(Carrier.objects.filter(active=True).values_list("name", flat=True))

    assert {"DHL Express", "UPS", "FedEx", "SF Express", "China Post", "EMS", "USPS"} <= names


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("DHL", "https://www.dhl.com/"),
        ("dhl express", "https://www.dhl.com/"),
        ("sf-express", "https://www.sf-express.com/"),
        ("顺丰", "https://www.sf-express.com/"),
        ("  FEDEX ", "https://www.fedex.com/"),
        ("China Post", "https://yjcx.ems.com.cn/"),
    ],
)
def test_a_carrier_matches_by_name_code_or_alias_whatever_the_case(sam, typed, expected):
    ticket = TicketFactory()
    ship(ticket, sam, typed, "JD 0001/2")

    (shipment,) = selectors.ticket_shipments(ticket)

    assert shipment.tracking_url.startswith(expected)
    assert "JD%200001%2F2" in shipment.tracking_url  # the number is url-encoded


def test_an_unknown_or_inactive_carrier_has_no_link(sam):
    ticket = TicketFactory()
    ship(ticket, sam, "Bob's Courier", "123")
    ship(ticket, sam, "UPS", "1Z999")
    Carrier.objects.filter(code="ups").update(active=False)

    assert [shipment.tracking_url for shipment in selectors.ticket_shipments(ticket)] == ["", ""]


def test_staff_add_a_carrier_and_its_address_must_hold_the_number(sam):
    courier = Carrier(name="Bob's Courier", code="bobs", tracking_url="https://bob.example/t")
    with pytest.raises(ValidationError) as refused:
        courier.full_clean()
    assert "tracking_url" in refused.value.message_dict

    courier.tracking_url = "https://bob.example/t/{number}"
    courier.aliases = "Bobs\nBob courier"
    courier.full_clean()
    courier.save()
    ticket = TicketFactory()
    ship(ticket, sam, "bob courier", "A1")

    assert selectors.ticket_shipments(ticket)[0].tracking_url == "https://bob.example/t/A1"


def test_the_desk_and_the_customer_pages_link_the_tracking_number(client, sam):
    ticket = TicketFactory()
    ship(ticket, sam, "UPS", "1Z999AA10123456784")
    ship(ticket, sam, "Bob's Courier", "BC-77")
    link = 'href="https://www.ups.com/track?loc=en_US&amp;tracknum=1Z999AA10123456784"'

    client.force_login(sam)
    desk = client.get(ticket.get_desk_url()).content.decode()
    client.force_login(ticket.customer)
    mine = client.get(ticket.get_absolute_url()).content.decode()

    for html in (desk, mine):
        assert link in html
        assert "BC-77</strong>" in html  # no link for an unknown carrier
