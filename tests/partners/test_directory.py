"""The directory page: filters, full-text search, sorting, cards, and its queries at scale."""

import re

import pytest
from django.urls import reverse

from partners.models import Partner, PartnerKind
from tests.factories.accounts import UserFactory, staff
from tests.factories.partners import ApplicationFactory, PartnerFactory

from .conftest import bulk_partners

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [partner.name for partner in response.context["page"]]


def test_lists_active_partners_only(client):
    PartnerFactory(name="Active One")
    PartnerFactory(name="Waiting One", status=Partner.Status.PENDING)
    PartnerFactory(name="Paused One", status=Partner.Status.SUSPENDED)

    response = client.get(reverse("partners:directory"))

    assert names(response) == ["Active One"]


def test_cards_show_kind_country_name_capabilities_and_verified_badge(client):
    PartnerFactory(
        name="Hanbit Display",
        kind=PartnerKind.OEM,
        country="KR",
        capabilities=["displays"],
        verified=True,
        description_html="<p>Panels for <strong>R&amp;D</strong> labs.</p>",
    )

    html = client.get(reverse("partners:directory")).content.decode()

    assert "Hanbit Display" in html
    assert "OEM" in html
    assert "South Korea" in html  # the ISO code shown by name
    assert "Display panels" in html
    assert "✓ Verified" in html
    assert "Panels for R&amp;D labs." in html  # plain text of the rendered Markdown


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "university"}, ["Campus"]),
        ({"country": "CN"}, ["Campus"]),
        ({"serves": "FR"}, ["Euro Parts", "Global Freight"]),  # via the "eu" region, worldwide
        ({"serves": "eu"}, ["Euro Parts", "Global Freight"]),
        ({"serves": "JP"}, ["Global Freight"]),
        ({"capability": "freight_forwarding"}, ["Global Freight"]),
        ({"certification": "iatf_16949"}, ["Euro Parts"]),
        ({"verified": "true"}, ["Euro Parts"]),
        ({"verified": "false"}, ["Campus", "Global Freight"]),
        ({"kind": "supplier", "country": "CN"}, []),
    ],
)
def test_filters(client, params, expected):
    PartnerFactory(
        name="Euro Parts",
        kind=PartnerKind.SUPPLIER,
        country="DE",
        regions_served=["eu"],
        certifications=["iatf_16949"],
        verified=True,
    )
    PartnerFactory(
        name="Global Freight",
        kind=PartnerKind.LOGISTICS,
        country="SG",
        regions_served=["global"],
        capabilities=["freight_forwarding"],
        certifications=[],
    )
    PartnerFactory(
        name="Campus",
        kind=PartnerKind.UNIVERSITY,
        country="CN",
        regions_served=["CN"],
        certifications=[],
    )

    response = client.get(reverse("partners:directory"), {**params, "sort": "name"})

    assert names(response) == expected


def test_an_invalid_filter_value_is_ignored_not_an_error(client):
    PartnerFactory(name="Still Listed")

    response = client.get(reverse("partners:directory"), {"kind": "pirate", "country": "XX"})

    assert response.status_code == 200
    assert names(response) == ["Still Listed"]


def test_full_text_search_ranks_name_matches_first_and_finds_word_prefixes(client):
    PartnerFactory(name="Acme Batteries", description="Cells and packs.")
    PartnerFactory(name="Other Co", description="We also resell batteries.")
    PartnerFactory(name="Unrelated", description="Freight.")

    ranked = names(client.get(reverse("partners:directory"), {"q": "batteries"}))
    prefix = names(client.get(reverse("partners:directory"), {"q": "batter"}))

    assert ranked == ["Acme Batteries", "Other Co"]
    assert set(prefix) == {"Acme Batteries", "Other Co"}


def test_sort_by_name_and_newest(client):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    PartnerFactory(name="Zeta", created_at=now - timedelta(days=1))
    PartnerFactory(name="Alpha", created_at=now - timedelta(days=3))
    PartnerFactory(name="Mid", created_at=now)

    by_name = names(client.get(reverse("partners:directory"), {"sort": "name"}))
    newest = names(client.get(reverse("partners:directory"), {"sort": "newest"}))

    assert by_name == ["Alpha", "Mid", "Zeta"]
    assert newest == ["Mid", "Zeta", "Alpha"]


def test_relevance_without_a_query_puts_verified_partners_first(client):
    PartnerFactory(name="Aardvark")
    PartnerFactory(name="Zebra", verified=True)

    assert names(client.get(reverse("partners:directory"))) == ["Zebra", "Aardvark"]


def test_pages_keep_the_filters(client):
    bulk_partners(30)

    response = client.get(reverse("partners:directory"), {"kind": "supplier", "page": 1})
    html = response.content.decode()

    assert response.context["page"].paginator.count == 4  # 30 spread over 8 kinds
    assert "Bulk Partner" in html


def test_directory_runs_two_queries_at_ten_thousand_partners(
    client, ten_thousand_partners, django_assert_num_queries
):
    # A count and the page's rows; the filters are indexed lookups on the partner table alone;
    # the country filter's options are counted in one grouped query.
    with django_assert_num_queries(3):
        response = client.get(
            reverse("partners:directory"),
            {"q": "electronics", "capability": "pcb_assembly", "serves": "DE", "page": 3},
        )
    assert response.status_code == 200
    assert len(response.context["page"]) == 24
    with django_assert_num_queries(3):
        client.get(reverse("partners:directory"), {"sort": "newest", "page": 200})


def _directory(client, **headers):
    return client.get(reverse("partners:directory"), {"capability": "pcb_assembly"}, **headers)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # user, roles, unread count, count, page, countries (the session comes from the cache;
        # the roles too the second time)
        ("customer", 6),
        # + the pending applications count for the "Review applications" link
        ("staff", 7),
    ],
)
def test_directory_for_signed_in_people_runs_fixed_queries_at_two_sizes(
    client, django_assert_num_queries, who, expected
):
    client.force_login(staff() if who == "staff" else UserFactory())
    ApplicationFactory()
    bulk_partners(30)
    with django_assert_num_queries(expected):
        response = _directory(client)
    assert response.status_code == 200
    assert ("Review applications" in response.content.decode()) is (who == "staff")

    Partner.objects.all().delete()
    bulk_partners(3000)
    ApplicationFactory.create_batch(5)
    with django_assert_num_queries(expected - 1):
        assert _directory(client).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "customer", "staff"])
def test_the_htmx_results_partial_runs_fixed_queries_at_two_sizes(
    client, django_assert_num_queries, who
):
    if who != "anonymous":
        client.force_login(staff() if who == "staff" else UserFactory())
    # (user,) count, page: no header, no filter form, no applications count; the session comes
    # from the cache
    expected = 2 if who == "anonymous" else 3
    bulk_partners(30)
    with django_assert_num_queries(expected):
        response = _directory(client, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="partner-results"')
    assert "<form" not in html

    Partner.objects.all().delete()
    bulk_partners(3000)
    with django_assert_num_queries(expected):
        response = _directory(client, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert len(response.context["page"]) == 24


def test_a_history_restore_gets_the_whole_page(client):
    PartnerFactory(name="Listed")

    response = client.get(
        reverse("partners:directory"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )

    assert "<form" in response.content.decode()


def _country_options(html: str) -> list[str]:
    select = re.search(r'<select name="country"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_country_filter_offers_only_countries_with_active_partners_and_counts(
    client, django_assert_num_queries
):
    PartnerFactory.create_batch(2, country="DE")
    PartnerFactory(country="CN")
    PartnerFactory(country="FR", status=Partner.Status.SUSPENDED)

    # session-less visitor: count, page, and the countries counted in one grouped query
    with django_assert_num_queries(3):
        html = client.get(reverse("partners:directory")).content.decode()

    assert _country_options(html) == ["Any country", "China (1)", "Germany (2)"]


def test_a_linked_country_without_partners_shows_an_empty_result_that_says_so(client):
    PartnerFactory(country="DE")

    response = client.get(reverse("partners:directory"), {"country": "FR"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    html = response.content.decode()
    assert "No partner is based in France at the moment." in html
    assert _country_options(html) == ["Any country", "France (0)", "Germany (1)"]
    assert re.search(r'<option value="FR" selected>France \(0\)</option>', html)


@pytest.mark.parametrize("country", ["XX", "France", "'; drop"])
def test_an_unknown_country_in_the_link_is_ignored(client, country):
    PartnerFactory(country="DE")

    response = client.get(reverse("partners:directory"), {"country": country})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1


def _language_options(html: str) -> list[str]:
    select = re.search(r'<select name="language"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_language_filter_offers_the_profiles_languages_with_counts(client):
    PartnerFactory(name="Lotus Optics", language="zh-hans")
    PartnerFactory(name="Euro Parts", language="en")
    PartnerFactory(name="Also English", language="en")
    PartnerFactory(name="Paused", language="zh-hans", status=Partner.Status.SUSPENDED)

    html = client.get(reverse("partners:directory")).content.decode()
    chosen = client.get(reverse("partners:directory"), {"language": "zh-hans"})

    assert _language_options(html) == ["Any language", "English (2)", "Simplified Chinese (1)"]
    assert names(chosen) == ["Lotus Optics"]


def test_a_language_no_partner_writes_in_is_offered_with_zero_when_linked(client):
    PartnerFactory(language="en")

    response = client.get(reverse("partners:directory"), {"language": "zh-hans"})

    assert response.context["page"].paginator.count == 0
    assert _language_options(response.content.decode()) == [
        "Any language",
        "English (1)",
        "Simplified Chinese (0)",
    ]


def test_an_unknown_language_in_the_link_is_ignored(client):
    PartnerFactory(language="en")

    response = client.get(reverse("partners:directory"), {"language": "klingon"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1


def test_cards_and_the_partner_page_say_where_the_partner_is_and_its_profiles_language(client):
    partner = PartnerFactory(name="Lotus Optics", country="CN", language="zh-hans")

    card = client.get(reverse("partners:directory")).content.decode()
    page = client.get(partner.get_absolute_url()).content.decode()
    in_chinese = client.get(
        reverse("partners:directory"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    for html in (card, page):
        assert "China" in html
        assert '<span data-testid="partner-language">Profile in Simplified Chinese</span>' in html
    assert "中国" in in_chinese
