"""Members list the parts and services they supply, and see how the community uses the parts."""

import pytest
from django.urls import reverse

from community.models import Post, PostPart
from partners.models import Provision, Supply
from partners.selectors import partner_demand
from partners.services import catalog_remove
from tests.factories.accounts import UserFactory
from tests.factories.partners import PartnerFactory, ProvisionFactory, SupplyFactory
from tests.factories.products import PartFactory, ProductFactory, ValueAddedServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return UserFactory()


@pytest.fixture
def partner(member):
    return PartnerFactory(members=[member])


def catalog_url(partner):
    return reverse("partners:catalog", args=[partner.slug])


def test_a_member_adds_a_part_by_sku_and_a_service(client, member, partner):
    part = PartFactory(sku="AUR3-BAT")
    service = ValueAddedServiceFactory(name="Care plus")
    client.force_login(member)

    client.post(catalog_url(partner), {"supply-sku": "aur3-bat", "supply-note": "Cells"})
    client.post(catalog_url(partner), {"provision-service": service.pk, "provision-note": ""})

    supply = Supply.objects.get(partner=partner)
    assert (supply.part, supply.note) == (part, "Cells")
    assert Provision.objects.get(partner=partner).service == service


def test_an_unknown_sku_or_a_part_listed_twice_is_an_error(client, member, partner):
    SupplyFactory(partner=partner, part=PartFactory(sku="KNOWN-1"))
    client.force_login(member)

    unknown = client.post(catalog_url(partner), {"supply-sku": "NOPE-9"})
    twice = client.post(catalog_url(partner), {"supply-sku": "KNOWN-1"})

    assert "No catalog part has the SKU" in unknown.content.decode()
    assert "already listed" in twice.content.decode()
    assert Supply.objects.count() == 1


def test_a_member_removes_a_supply_but_not_another_partners(client, member, partner):
    mine = SupplyFactory(partner=partner)
    theirs = SupplyFactory()
    client.force_login(member)

    client.post(reverse("partners:catalog_remove", args=[partner.slug, "supplies", mine.pk]))
    response = client.post(
        reverse("partners:catalog_remove", args=[partner.slug, "supplies", theirs.pk])
    )

    assert not Supply.objects.filter(pk=mine.pk).exists()
    assert response.status_code == 404
    assert Supply.objects.filter(pk=theirs.pk).exists()


def modification(*, parts, votes=0, kind=Post.Kind.MODIFICATION, hidden=False, title="Build"):
    post = Post.objects.create(
        product=ProductFactory(),
        author=UserFactory(),
        kind=kind,
        title=title,
        body="My build.",
        vote_count=votes,
        is_hidden=hidden,
    )
    for part, quantity in parts:
        PostPart.objects.create(post=post, part=part, quantity=quantity)
    return post


def test_demand_counts_visible_modifications_quantities_and_votes(partner):
    battery, case, unused = PartFactory(name="Battery"), PartFactory(name="Case"), PartFactory()
    for part in (battery, case, unused):
        SupplyFactory(partner=partner, part=part)
    top = modification(parts=[(battery, 2), (case, 1)], votes=40, title="Long-life mod")
    modification(parts=[(battery, 1)], votes=5)
    modification(parts=[(battery, 9)], votes=100, hidden=True)  # moderated away: not counted
    modification(parts=[(battery, 9)], votes=100, kind=Post.Kind.QUESTION)  # not a build
    modification(parts=[(PartFactory(), 1)], votes=70)  # not this partner's part

    demand = partner_demand(partner=partner)

    rows = {row.part.name: row for row in demand["rows"]}
    assert [row.part for row in demand["rows"]][:2] == [battery, case]
    assert (rows["Battery"].modification_count, rows["Battery"].total_quantity) == (2, 3)
    assert rows["Battery"].total_votes == 45
    assert (rows["Case"].modification_count, rows["Case"].total_votes) == (1, 40)
    assert rows[unused.name].modification_count == 0
    assert demand["top_posts"][0] == top
    assert len(demand["top_posts"]) == 2


def test_without_community_counts_the_demand_is_unavailable(partner, monkeypatch):
    # Community is partners' sibling: its counts come through the catalog's contract only.
    monkeypatch.setattr("products.selectors._part_demand", None)
    supply = SupplyFactory(partner=partner)

    demand = partner_demand(partner=partner)

    assert demand == {"available": False, "rows": [supply], "top_posts": []}


def test_demand_page_shows_the_numbers_in_fixed_queries(
    client, member, partner, django_assert_num_queries
):
    battery = PartFactory(name="Battery")
    SupplyFactory(partner=partner, part=battery)
    modification(parts=[(battery, 3)], votes=12, title="Dual battery grip")
    client.force_login(member)
    url = reverse("partners:demand", args=[partner.slug])

    html = client.get(url).content.decode()

    assert "Battery" in html and "Dual battery grip" in html
    assert '<svg class="chart"' in html  # builds per part, drawn on the server
    # user, unread count, membership, per-part aggregate, top builds (the session and the roles
    # come from the cache)
    with django_assert_num_queries(5):
        client.get(url)
    for _ in range(5):
        part = PartFactory()
        SupplyFactory(partner=partner, part=part)
        modification(parts=[(part, 1), (battery, 1)], votes=3)
    with django_assert_num_queries(5):
        client.get(url)


def test_catalog_remove_takes_parts_and_services_off_the_partners_own_listing(partner):
    mine, theirs = SupplyFactory(partner=partner), SupplyFactory()
    provision = ProvisionFactory(partner=partner)

    catalog_remove(partner=partner, listing=mine)
    catalog_remove(partner=partner, listing=provision)
    with pytest.raises(ValueError):
        catalog_remove(partner=partner, listing=theirs)

    assert list(Supply.objects.all()) == [theirs]
    assert not Provision.objects.exists()
