"""The customer beside the ticket: their other tickets, units, posts, ratings, language and
local time, in a pinned number of queries however much they have."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocreate.core.clock import clock_at
from service_desk import selectors
from service_desk.models import Ticket
from tests.factories.accounts import customer
from tests.factories.community import PostFactory
from tests.factories.products import RegistrationFactory
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)


def customer_with(count: int):
    """A customer with `count` of everything, and the ticket open on the desk."""
    person = customer(time_zone="Asia/Shanghai", language="zh-hans")
    units = [
        RegistrationFactory(customer=person, warranty_ends_on=date(2027, 1, 1))
        for _ in range(count)
    ]
    ticket = TicketFactory(customer=person, registration=units[0], subject="This one")
    for n in range(count):
        TicketFactory(customer=person, subject=f"Earlier {n}", csat_score=n % 5 + 1)
        PostFactory(author=person, title=f"Idea {n}")
    return ticket


def row(html: str, text: str) -> str:
    """The list item of `html` holding `text`."""
    at = html.index(text)
    return html[html.rindex("<li", 0, at) : html.index("</li>", at)]


@pytest.mark.parametrize("count", [1, 10])
def test_the_overview_takes_four_queries_whatever_the_customer_has(count):
    ticket = customer_with(count)
    ticket = selectors.ticket_for(ticket.customer, ticket.number)

    with CaptureQueriesContext(connection) as queries:
        overview = selectors.customer_overview(ticket)

    assert len(queries) == 4
    assert overview.tickets_total == count
    assert len(overview.tickets) == min(count, 5)
    assert overview.units_total == overview.posts_total == overview.ratings_total == count


def test_the_desk_page_costs_the_same_for_1_and_10_of_everything(client, sam):
    client.force_login(sam)
    client.get(
        reverse("service_desk:desk_queue")
    )  # the session and roles cached, as after any page
    counts = []
    for count in (1, 10):
        ticket = customer_with(count)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ticket.get_desk_url()).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_panel_shows_what_the_customer_has_and_nothing_of_others(client, sam):
    person = customer(time_zone="Asia/Shanghai", language="zh-hans")
    current = RegistrationFactory(customer=person, serial_number="SN-CURRENT")
    RegistrationFactory(
        customer=person,
        serial_number="SN-OLD",
        purchased_on=date(2020, 1, 1),
        warranty_ends_on=date(2022, 1, 1),
    )
    ticket = TicketFactory(customer=person, registration=current)
    earlier = TicketFactory(
        customer=person,
        subject="Router reboots",
        status=Ticket.Status.CLOSED,
        csat_score=2,
        csat_comment="Took too long",
        csat_rated_at=NOW - timedelta(days=3),
    )
    TicketFactory(customer=person, csat_score=5, csat_rated_at=NOW - timedelta(days=1))
    shown = PostFactory(author=person, title="Louder speaker please")
    PostFactory(author=person, title="Hidden rant", is_hidden=True)
    PostFactory(author=person, title="Deleted idea", is_deleted=True)
    TicketFactory(subject="Someone else's ticket")
    RegistrationFactory(serial_number="SN-NOT-HERS")
    client.force_login(sam)

    with clock_at(NOW):
        html = client.get(ticket.get_desk_url()).content.decode()

    panel = html[html.index('data-testid="customer-panel"') :]
    panel = panel[: panel.index("</section>")]
    assert f'href="{earlier.get_desk_url()}"' in panel and "Router reboots" in panel
    assert "Someone else" not in panel and "SN-NOT-HERS" not in panel
    assert 'aria-current="true"' in row(panel, "SN-CURRENT")
    assert "Under warranty" in row(panel, "SN-CURRENT")
    assert "Warranty expired" in row(panel, "SN-OLD")
    assert f'href="{shown.get_absolute_url()}"' in panel
    hidden = row(panel, "Hidden rant")
    assert "<a " not in hidden and ">Hidden</span>" in hidden
    assert "Deleted idea" not in panel
    assert "3.5/5 from 2 ratings" in panel and "Took too long" in panel
    assert "简体中文" in panel or "Chinese" in panel
    # 08:30 UTC in Shanghai, the customer's time, whatever the agent's zone
    assert (
        '<time datetime="2026-06-01T16:30:00+08:00" title="Jun 1, 2026, 16:30">Mon 16:30</time>'
        in panel
    )
    assert "Asia/Shanghai" in panel
