"""The demand page and its CSV: builds and votes over a period against the one before, the
installed base, the tickets about each part, checked against hand-counted data; the period's
bad input; who may download; a fixed number of queries at 1× and 10× (docs/partners.md)."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from community.models import Post, PostPart, Vote
from partners.demand import demand_summary
from products.models import Part, Registration
from service_desk.models import Category, Ticket
from tests.factories.accounts import UserFactory
from tests.factories.partners import MembershipFactory, PartnerFactory, SupplyFactory
from tests.factories.products import PartFactory, ProductFactory, RegistrationFactory
from tests.factories.service_desk import TicketFactory

pytestmark = pytest.mark.django_db

# A 30-day period and the 30 days before it (2026-01-30 to 2026-02-28).
PERIOD = {"from": "2026-03-01", "to": "2026-03-30"}


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def build(parts, *, on, kind=Post.Kind.MODIFICATION, hidden=False, votes=()) -> Post:
    post = Post.objects.create(
        product=ProductFactory(),
        author=UserFactory(),
        kind=kind,
        title=f"Build of {on}",
        body="My build.",
        is_hidden=hidden,
        vote_count=len(votes),
    )
    Post.objects.filter(pk=post.pk).update(created_at=at(on))
    for part, quantity in parts:
        PostPart.objects.create(post=post, part=part, quantity=quantity)
    for day in votes:
        vote = Vote.objects.create(post=post, user=UserFactory())
        Vote.objects.filter(pk=vote.pk).update(created_at=at(day))
    return post


def register(product, *, on):
    registration = RegistrationFactory(product=product)
    Registration.objects.filter(pk=registration.pk).update(created_at=at(on))


def ticket(product, *, on, category=Category.TECHNICAL_SUPPORT, subject="Help", text="Hello."):
    made = TicketFactory(product=product, category=category, subject=subject, description=text)
    Ticket.objects.filter(pk=made.pk).update(created_at=at(on))


@pytest.fixture
def member():
    return UserFactory()


@pytest.fixture
def partner(member):
    return PartnerFactory(members=[member], slug="pixel-parts")


@pytest.fixture
def catalog(partner):
    """Three supplied parts, a part of someone else's, three products; the figures each test
    expects are counted by hand in the comments."""
    p1 = ProductFactory(name="Pixel", generation=1)
    p2 = ProductFactory(name="Pixel", generation=2)
    p3 = ProductFactory(name="Other", generation=1)
    battery = PartFactory(
        sku="PX-BAT", name="Pixel battery", kind=Part.Kind.SPARE_PART, compatible_with=[p1, p2]
    )
    Part.objects.filter(pk=battery.pk).update(name_zh_hans="像素电池")
    battery.ships_in.add(p2)  # fits and ships in p2: its units count once
    case = PartFactory(
        sku="PX-CASE", name="Pixel case", kind=Part.Kind.ACCESSORY, compatible_with=[p1]
    )
    ram = PartFactory(sku="PX-RAM", name="Pixel memory", kind=Part.Kind.COMPONENT)
    ram.ships_in.add(p2)
    other = PartFactory(sku="OTHER-1")
    for part in (battery, case, ram):
        SupplyFactory(partner=partner, part=part)

    # Builds: b1 and b2 in the period, b3 in the previous one; the rest are not counted.
    build(
        [(battery, 2), (case, 1)], on="2026-03-05", votes=["2026-03-06", "2026-03-07", "2026-03-25"]
    )
    build([(battery, 1)], on="2026-03-20", votes=["2026-03-21", "2026-03-22"])
    # An older build: one vote in the previous period, one in this one, one before both.
    build([(battery, 3)], on="2026-01-05", votes=["2026-02-11", "2026-03-02", "2026-01-10"])
    build([(battery, 3)], on="2026-02-10")
    build([(case, 1)], on="2026-03-10", hidden=True, votes=["2026-03-11"])  # moderated away
    build([(battery, 1)], on="2026-03-10", kind=Post.Kind.QUESTION, votes=["2026-03-11"])
    build([(other, 1)], on="2026-03-10", votes=["2026-03-11"])  # not the partner's part
    build([(battery, 1)], on="2026-04-02", votes=["2026-04-03"])  # after the period

    # Registrations: p1 two (one in the period), p2 three (one in the period), p3 one.
    register(p1, on="2026-03-15")
    register(p1, on="2025-06-01")
    register(p2, on="2026-03-02")
    register(p2, on="2026-02-15")
    register(p2, on="2026-04-10")
    register(p3, on="2026-03-15")

    # Tickets in the period unless said.
    ticket(p3, on="2026-03-03", subject="Pixel battery swells")  # mentions the battery
    ticket(
        p1,
        on="2026-03-08",
        category=Category.UPGRADE_MAINTENANCE,
        text="I need a PX-BAT replacement.",
    )  # mentions the battery (SKU), and its category on a product it fits
    ticket(p2, on="2026-03-12", category=Category.UPGRADE_MAINTENANCE, subject="Fan noise")
    # ^ the battery's and the memory's category on p2
    ticket(p1, on="2026-03-14", category=Category.CONSULTATION, subject="Does a case fit?")
    # ^ the case's category (accessory: consultation)
    ticket(p1, on="2026-02-20", category=Category.UPGRADE_MAINTENANCE, text="PX-BAT again")
    # ^ the previous period: not counted
    ticket(p2, on="2026-03-15", subject="battery for my pixel")  # not the phrase
    ticket(p3, on="2026-03-16", subject="像素电池鼓包了")  # the battery's Chinese name
    return {"battery": battery, "case": case, "ram": ram, "p1": p1, "p2": p2}


EXPECTED = {
    # sku: builds, votes, quantity, builds before, votes before, units, units in the period,
    #      tickets mentioning, tickets in the category
    "PX-BAT": ["2", "6", "3", "1", "1", "5", "2", "3", "2"],
    "PX-CASE": ["1", "3", "1", "0", "0", "2", "1", "0", "1"],
    "PX-RAM": ["0", "0", "0", "0", "0", "3", "1", "0", "1"],
}


def page_url(partner):
    return reverse("partners:demand", args=[partner.slug])


def csv_url(partner):
    return reverse("partners:demand_csv", args=[partner.slug])


def test_the_csv_holds_the_hand_counted_figures(client, member, partner, catalog):
    client.force_login(member)

    response = client.get(csv_url(partner), PERIOD)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="pixel-parts-demand-2026-03-01_2026-03-30.csv"'
    )
    assert response.content.startswith("\ufeff".encode())  # spreadsheets read it as UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "sku",
        "name",
        "kind",
        "builds",
        "votes",
        "quantity",
        "builds_previous_period",
        "votes_previous_period",
        "installed_base",
        "registered_in_period",
        "tickets_mentioning",
        "tickets_in_related_category",
    ]
    figures = {row[0]: row[3:] for row in rows[1:]}
    assert figures == EXPECTED
    assert [row[0] for row in rows[1:]] == ["PX-BAT", "PX-CASE", "PX-RAM"]  # most built first
    assert rows[1][1:3] == ["Pixel battery", "Spare part"]


def test_the_page_shows_the_hand_counted_figures(client, member, partner, catalog):
    client.force_login(member)

    html = client.get(page_url(partner), PERIOD).content.decode()

    def cell(sku, figure):
        row = html.split(f'data-sku="{sku}"')[1]
        return row.split(f'data-figure="{figure}">')[1].split("<")[0].strip()

    for sku, expected in EXPECTED.items():
        shown = [
            cell(sku, name)
            for name in ("builds", "votes", "quantity", "units")
            + ("tickets-mentioning", "tickets-category")
        ]
        assert shown == [expected[i] for i in (0, 1, 2, 5, 7, 8)], sku
    assert "▲ +100 %" in html.split('data-sku="PX-BAT"')[1]  # 2 builds against 1
    assert "▲ +500 %" in html.split('data-sku="PX-BAT"')[1]  # 6 votes against 1
    assert "Pixel (generation 2): <strong>3</strong>" in html
    assert "Upgrade and maintenance" in html and "Consultation" in html
    assert html.count('<svg class="chart"') == 2  # builds and votes per week
    # Each build and vote once, however many of the parts it lists.
    assert '<p class="demand-kpi">2</p>' in html and '<p class="demand-kpi">6</p>' in html
    assert '<p class="demand-kpi">5</p>' in html  # distinct units of p1 and p2


def test_the_period_is_read_in_the_readers_time_zone(client, partner, catalog):
    reader = UserFactory(time_zone="Asia/Shanghai")
    MembershipFactory(partner=partner, user=reader)
    late = build([(catalog["case"], 1)], on="2026-03-30")
    Post.objects.filter(pk=late.pk).update(created_at=at("2026-03-30", hour=20))
    client.force_login(reader)

    rows = list(csv.reader(io.StringIO(client.get(csv_url(partner), PERIOD).content.decode())))

    # 20:00 UTC on the 30th is the 31st in Shanghai: after the period there.
    assert {row[0]: row[3] for row in rows[1:]}["PX-CASE"] == "1"
    utc = UserFactory(time_zone="UTC")
    MembershipFactory(partner=partner, user=utc)
    client.force_login(utc)
    rows = list(csv.reader(io.StringIO(client.get(csv_url(partner), PERIOD).content.decode())))
    assert {row[0]: row[3] for row in rows[1:]}["PX-CASE"] == "2"


def test_a_selected_part_is_drawn_over_the_total(client, member, partner, catalog):
    client.force_login(member)

    html = client.get(page_url(partner), {**PERIOD, "part": "PX-CASE"}).content.decode()

    assert "Builds with PX-CASE" in html  # the table's column for the part
    assert "All your parts" in html  # the charts' legend


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-03-31", "to": "2026-03-01"}, "must not come before the first"),
        ({"from": "2020-01-01", "to": "2026-03-01"}, "at most three years"),
        ({"from": "yesterday", "to": "2026-03-01"}, "Enter a valid date"),
        ({"from": "2026-03-01"}, "Give both the first and the last day"),
        ({"from": "2026-12-01", "to": "2999-01-01"}, "at most three years"),
        ({"from": str(date.today()), "to": str(date.today() + timedelta(days=2))}, "after today"),
        ({"period": "7"}, "Select a valid choice"),
    ],
)
def test_a_bad_period_is_a_form_error_not_a_crash(client, member, partner, catalog, query, message):
    client.force_login(member)

    page = client.get(page_url(partner), query)
    download = client.get(csv_url(partner), query)

    assert page.status_code == 200 and message in page.content.decode()
    assert download.status_code == 400 and message in download.content.decode()
    assert "text/html" in download["Content-Type"]


def test_only_members_download_the_csv(client, partner, catalog):
    response = client.get(csv_url(partner))
    assert response.status_code == 302 and "/login/" in response["Location"]

    client.force_login(UserFactory())  # signed in, not a member: nothing exists for them
    assert client.get(csv_url(partner)).status_code == 404
    assert client.get(csv_url(PartnerFactory())).status_code == 404


def test_csv_cells_cannot_become_formulas(client, member, partner):
    part = PartFactory(sku="EVIL-1", name='=HYPERLINK("http://evil.example","x")')
    SupplyFactory(partner=partner, part=part)
    client.force_login(member)

    rows = list(csv.reader(io.StringIO(client.get(csv_url(partner)).content.decode("utf-8-sig"))))

    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","x")'


def test_the_summary_for_the_dashboard(partner, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        summary = demand_summary(partner, period_days=3650)

    assert summary["parts"] == 3
    assert summary["units"] == 5
    assert summary["builds"] == 5  # every visible build of the partner's parts in ten years
    assert summary["tickets_mentioning"] == 4  # including the one in February
    assert set(summary) == {
        "parts",
        "builds",
        "builds_previous",
        "votes",
        "votes_previous",
        "units",
        "tickets_mentioning",
        "tickets_in_category",
    }


def grow(partner, times: int):
    """`times` more supplied parts, each with builds, votes, registrations and tickets."""
    for _ in range(times):
        product = ProductFactory()
        part = PartFactory(kind=Part.Kind.SPARE_PART, compatible_with=[product])
        part.ships_in.add(ProductFactory())
        SupplyFactory(partner=partner, part=part)
        for day in ("2026-03-03", "2026-02-03"):
            build([(part, 2)], on=day, votes=[day, "2026-03-20"])
        register(product, on="2026-03-04")
        ticket(product, on="2026-03-05", category=Category.UPGRADE_MAINTENANCE, text=part.sku)


def test_the_page_and_the_csv_take_the_same_queries_at_1x_and_10x(
    client, member, partner, django_assert_num_queries
):
    grow(partner, 2)
    client.force_login(member)
    query = {**PERIOD, "part": Part.objects.first().sku}
    client.get(page_url(partner), query)  # warm the session and the roles' cache
    # user, unread count, membership; supplies with the tickets mentioning them, the per-part
    # builds and votes, the products of the parts, their units, their tickets per category, the
    # distinct builds and votes, the top builds; the trend's builds and votes.
    with django_assert_num_queries(14):
        assert client.get(page_url(partner), query).status_code == 200
    # user, membership (the CSV has no header), the same reads without the trend and top builds
    with django_assert_num_queries(10):
        assert client.get(csv_url(partner), PERIOD).status_code == 200

    grow(partner, 18)  # tenfold the parts, builds, votes, registrations and tickets
    # Growing may take longer than a session's activity is written (once a minute): warm again.
    client.get(page_url(partner), query)
    with django_assert_num_queries(14):
        html = client.get(page_url(partner), query).content.decode()
    with django_assert_num_queries(10):
        rows = list(csv.reader(io.StringIO(client.get(csv_url(partner), PERIOD).content.decode())))
    assert len(rows) == 21 and html.count("data-sku=") == 20


def test_without_the_community_and_the_desk_the_page_shows_what_it_has(
    client, member, partner, catalog, monkeypatch
):
    # Community and the desk fill the catalog's contracts; without them the page still works.
    monkeypatch.setattr("products.selectors._part_demand", None)
    monkeypatch.setattr("products.selectors._part_tickets", None)
    client.force_login(member)

    html = client.get(page_url(partner), PERIOD).content.decode()
    rows = list(csv.reader(io.StringIO(client.get(csv_url(partner), PERIOD).content.decode())))

    assert "Community data is not available yet." in html
    assert "Tickets mentioning it" not in html
    assert {row[0]: row[3:] for row in rows[1:]}["PX-BAT"] == ["0"] * 5 + ["5", "2", "", ""]
