"""Content in the reader's language (docs/i18n.md, "Content in several languages"): the catalog,
the knowledge base and partner profiles are written in English and Simplified Chinese; a reader
gets their language with a fallback, on the pages, in the API, in search and from the page cache.

The untranslated-text check of the templates (test_templates.py) extended to content: the demo
data has Chinese for all of it, and a Chinese reader's pages show none of its English texts."""

import html
import io
import re
import tomllib

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from cocreate.accounts.models import User
from partners.models import Partner
from partners.selectors import partner_directory
from products import selectors as catalog
from tests.factories.accounts import customer, staff
from tests.factories.partners import PartnerFactory
from tests.factories.products import PartFactory, ProductFactory

from .support import ROOT

pytestmark = pytest.mark.django_db

ZH = "zh-hans"
TRANSLATED = {  # demo.toml tables and the texts of theirs that have a Chinese version
    "products": {
        "lines": ("name", "description"),
        "products": ("name", "description", "specs"),
        "parts": ("name", "description"),
        "services": ("name", "terms"),
    },
    "partners": {"partners": ("description",)},
}


@pytest.fixture(autouse=True)
def _rows_written_in_english():
    # A request leaves its language active in the thread; rows made here are written in English.
    with translation.override("en"):
        yield


def demo(app: str) -> dict:
    with (ROOT / app / "seed_data" / "demo.toml").open("rb") as file:
        return tomllib.load(file)


def words(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


# --- The demo data ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app", "table", "fields"),
    [
        (app, table, fields)
        for app, tables in TRANSLATED.items()
        for table, fields in tables.items()
    ],
)
def test_every_demo_text_has_its_chinese(app, table, fields):
    missing = [
        f"{table} {row.get('slug') or row.get('sku') or row['name']}: {field}"
        for row in demo(app)[table]
        for field in fields
        if field in row and not row.get(ZH, {}).get(field)
    ]
    assert not missing, missing


def test_every_demo_supply_note_and_article_has_its_chinese():
    notes = [s for row in demo("partners")["partners"] for s in row.get("supplies", [])]
    desk = demo("service_desk")
    translated = {row["original"] for row in desk["translations"] if row["language"] == ZH}

    assert all(supply[ZH]["note"] for supply in notes)
    assert {row["slug"] for row in desk["articles"]} <= translated


def english_texts() -> set[str]:
    """Every English text of the demo's catalog and partners that differs from its Chinese
    (a brand name such as "Aurora 3" is the same in both), spec labels and values included."""
    texts = set()
    for app, tables in TRANSLATED.items():
        for table, fields in tables.items():
            for row in demo(app)[table]:
                for field in fields:
                    english, chinese = row.get(field), row.get(ZH, {}).get(field)
                    if isinstance(english, dict):
                        english = [*english, *english.values()]
                        chinese = {*chinese, *chinese.values()}
                        texts.update(text for text in english if text not in chinese)
                    elif english and english != chinese:
                        texts.add(words(english))
                for supply in row.get("supplies", []):
                    texts.add(supply["note"])
    for article in demo("service_desk")["articles"]:
        texts.add(words(article["title"]))
    return texts


def page_links(html_text: str, prefix: str) -> set[str]:
    return set(re.findall(rf'href="({re.escape(prefix)}[-\w]+/)"', html_text))


def test_a_chinese_readers_catalog_kb_and_partner_pages_show_no_english_content():
    # Given the demo, read by li (Simplified Chinese)
    call_command("seed_demo", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.get(username="li"))
    get = lambda url: client.get(url).content.decode()  # noqa: E731

    # When she walks the catalog, the knowledge base and the partner directory
    catalog_page, kb_page = get("/products/"), get(reverse("service_desk:kb_index"))
    pages = {"/products/": catalog_page, "/support/kb/": kb_page}
    urls = page_links(catalog_page, "/products/") | page_links(kb_page, "/support/kb/")
    urls |= {"/products/parts/", "/products/parts/?page=2", "/partners/"}
    urls |= {partner.get_absolute_url() for partner in Partner.objects.all()}
    urls |= {f"/partners/?page={n}" for n in (2, 3)}
    pages |= {url: get(url) for url in urls}
    # A link to an article's English version is named in English on purpose (lang="en").
    pages = {
        url: re.sub(r'<a [^>]*lang="en"[^>]*>.*?</a>', "", page) for url, page in pages.items()
    }

    # Then none shows an English text of the demo's content, and the pages did have content
    english = english_texts()
    found = {
        (url, text)
        for url, page in pages.items()
        for text in english
        if (f">{text}<" in page if len(text.split()) == 1 else text in words(page))
    }
    assert not found, sorted(found)
    assert len([url for url in pages if url.startswith("/products/")]) > 15
    assert len([url for url in pages if url.startswith("/support/kb/")]) == 7
    assert "Aurora 智能手机" in catalog_page and "保修范围说明" in kb_page
    assert "防水等级" in pages["/products/aurora-3/"]


# --- Fallback -----------------------------------------------------------------------------------


def test_a_text_not_written_in_chinese_is_read_in_english_never_empty(client):
    ProductFactory(
        slug="beam", name_en="Beam", name_zh_hans="光束", description_en="A lamp.", specs_en={}
    )
    ProductFactory(slug="glow", name_en="Glow", description_en="A night light.")
    client.cookies["django_language"] = ZH

    beam, glow = client.get("/products/beam/"), client.get("/products/glow/")

    assert "光束" in beam.content.decode() and "A lamp." in beam.content.decode()
    assert "Glow" in glow.content.decode() and "A night light." in glow.content.decode()


def test_a_profile_written_in_chinese_only_is_read_in_chinese_by_an_english_reader(client):
    partner = PartnerFactory(description="", description_html="")
    partner.description_in(ZH, "精密注塑件。")
    partner.save()

    page = client.get(partner.get_absolute_url()).content.decode()

    assert "精密注塑件。" in page


def test_a_member_writes_the_description_in_the_language_they_browse_in(client):
    member = customer(language=ZH)
    partner = PartnerFactory(members=[member], description="Lenses.")
    client.force_login(member)
    url = reverse("partners:profile", args=[partner.slug])

    form = client.get(url).context["form"]
    # The box holds the Chinese description (none yet), not the English one read as fallback.
    assert form.initial["description"] == ""
    fields = {"kind": partner.kind, "country": partner.country.code}
    assert client.post(url, fields | {"description": "光学镜片。"}).status_code == 302

    partner.refresh_from_db()
    assert (partner.description_en, partner.description_zh_hans) == ("Lenses.", "光学镜片。")


# --- The API ------------------------------------------------------------------------------------


def test_the_api_serves_content_in_the_language_the_caller_accepts():
    call_command("seed_demo", stdout=io.StringIO())
    api = APIClient()
    chinese = {"accept-language": "zh-Hans"}
    partner = Partner.objects.get(name="Dongguan Hengtai Battery Technology")

    product_en = api.get("/api/v1/products/aurora-3/").json()
    product_zh = api.get("/api/v1/products/aurora-3/", headers=chinese).json()
    part_zh = api.get("/api/v1/parts/", {"compatible_with": "forge-mini"}, headers=chinese)
    partner_en = api.get(f"/api/v1/partners/{partner.slug}/").json()
    partner_zh = api.get(f"/api/v1/partners/{partner.slug}/", headers=chinese).json()
    articles_zh = api.get("/api/v1/kb/articles/", headers=chinese).json()["results"]
    articles_en = api.get("/api/v1/kb/articles/").json()["results"]

    assert product_en["line_name"] == "Aurora smartphones"
    assert product_en["specs"]["Water resistance"] == "IP68"
    assert product_zh["line_name"] == "Aurora 智能手机"
    assert product_zh["description"].startswith("我们的现款手机")
    assert product_zh["specs"]["防水等级"] == "IP68"
    assert "Forge 下压式 CPU 散热器" in {part["name"] for part in part_zh.json()["results"]}
    assert partner_en["description"].startswith("Lithium-polymer cells")
    assert partner_zh["description"].startswith("锂聚合物电芯")
    assert all(article["language"] == ZH for article in articles_zh)
    assert all(article["language"] == "en" for article in articles_en)
    assert len(articles_zh) == len(articles_en) == 6


# --- Staff write both languages side by side ----------------------------------------------------


@pytest.mark.parametrize(
    ("model", "make", "fields"),
    [
        ("products_product", lambda: ProductFactory(), ("name", "description", "specs")),
        ("products_part", lambda: PartFactory(), ("name", "description")),
        ("partners_partner", lambda: PartnerFactory(), ("description",)),
    ],
)
def test_staff_edit_every_language_side_by_side_in_the_admin(client, model, make, fields):
    row = make()
    client.force_login(staff())

    page = client.get(reverse(f"admin:{model}_change", args=[row.pk])).content.decode()

    for field in fields:
        assert f'name="{field}_en"' in page and f'name="{field}_zh_hans"' in page, field


def test_a_product_saved_in_the_admin_keeps_both_languages(client):
    product = ProductFactory(status="concept")
    client.force_login(staff())
    url = reverse("admin:products_product_change", args=[product.pk])
    form = {
        "line": product.line_id,
        "name_en": "Beam",
        "name_zh_hans": "光束",
        "slug": product.slug,
        "model_number": product.model_number,
        "status": "concept",
        "generation": 1,
        "description_en": "A lamp.",
        "description_zh_hans": "一盏灯。",
        "specs_en": '{"Weight": "1 kg"}',
        "specs_zh_hans": '{"重量": "1 千克"}',
        "illustration": product.illustration,
        "warranty_months": 24,
    }
    for prefix in ("Part_compatible_products-", "ValueAddedService_products-"):
        form |= {f"{prefix}TOTAL_FORMS": 0, f"{prefix}INITIAL_FORMS": 0}

    assert client.post(url, form).status_code == 302

    product.refresh_from_db()
    assert (product.name_en, product.name_zh_hans) == ("Beam", "光束")
    assert (product.specs_en, product.specs_zh_hans) == ({"Weight": "1 kg"}, {"重量": "1 千克"})


def test_a_partner_saved_in_the_admin_renders_each_languages_description(client):
    client.force_login(staff())
    data = {
        "name": "Lotus Optics",
        "slug": "lotus-optics",
        "kind": "supplier",
        "country": "SG",
        "status": "active",
        "description_en": "**Lenses**.",
        "description_zh_hans": "**镜片**。",
    }
    for prefix in ("memberships", "supplies", "provisions"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}

    assert client.post(reverse("admin:partners_partner_add"), data).status_code == 302

    partner = Partner.objects.get(slug="lotus-optics")
    assert partner.description_html_en.strip() == "<p><strong>Lenses</strong>.</p>"
    assert partner.description_html_zh_hans.strip() == "<p><strong>镜片</strong>。</p>"


# --- Search -------------------------------------------------------------------------------------


def test_search_finds_the_content_in_either_language():
    ProductFactory(
        name_en="Beam",
        name_zh_hans="光束台灯",
        description_en="A desk lamp.",
        description_zh_hans="护眼的台灯。",
        specs_zh_hans={"色温": "暖光"},
    )
    partner = PartnerFactory(name="Lumina Optics", status="active", description="Lenses.")
    partner.description_in(ZH, "光学镜片。")
    partner.save()

    def products(q):
        return [product.name_en for product in catalog.product_search(q=q)]

    def partners(q):
        return [partner.name for partner in partner_directory(q=q)]

    assert products("台灯") == products("lamp") == products("暖光") == ["Beam"]
    assert partners("镜片") == partners("lenses") == ["Lumina Optics"]


# --- The page cache -----------------------------------------------------------------------------


def test_a_page_cached_for_an_english_visitor_never_gives_a_chinese_one_english_content(
    settings,
):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 5
    product = ProductFactory(name_en="Beam", name_zh_hans="光束", description_zh_hans="一盏灯。")
    url = reverse("community:product", args=[product.slug])
    Client().get(url)  # cached in English

    english = Client().get(url)
    chinese = Client(headers={"accept-language": "zh-Hans"}).get(url)
    chinese_again = Client(headers={"accept-language": "zh-Hans"}).get(url)

    assert english["X-Page-Cache"] == "hit" and "Beam" in english.content.decode()
    assert "X-Page-Cache" not in chinese
    assert "光束" in chinese.content.decode() and ">Beam<" not in chinese.content.decode()
    assert chinese_again["X-Page-Cache"] == "hit" and "光束" in chinese_again.content.decode()


# --- Names read through another model ---------------------------------------------------------


def test_a_product_name_read_through_a_ticket_or_an_article_is_in_the_readers_language():
    """The desk's chart of tickets per product and the knowledge base's product filter read the
    name through a relation (cocreate.core.i18n.localized), in the reader's language, with the
    model's own fallback."""
    from service_desk.metrics import desk_metrics
    from service_desk.selectors import article_facets
    from tests.factories.service_desk import KnowledgeArticleFactory, TicketFactory

    lamp = ProductFactory(name="Desk lamp", name_zh_hans="台灯")
    plain = ProductFactory(name="Plain stand")  # no Chinese: read in English
    for product in (lamp, plain):
        TicketFactory(product=product)
        KnowledgeArticleFactory(product=product)

    with translation.override(ZH):
        assert dict(desk_metrics().by_product) == {"台灯": 1, "Plain stand": 1}
        assert set(article_facets().product_names.values()) == {"台灯", "Plain stand"}
    with translation.override("en"):
        assert dict(desk_metrics().by_product) == {"Desk lamp": 1, "Plain stand": 1}


def test_product_names_read_through_follows_and_the_designers_history_are_in_the_readers_language():
    """A product's name read from another model goes through cocreate.core.i18n.localized: the
    communities a person follows (their page's order and their data export) and the surfacing
    simulation's history, not the column saved last."""
    from community import personal_data
    from community.models import ProductFollow
    from community.selectors import followed_communities
    from designers.simulation import load_history
    from tests.factories.community import PostFactory

    lamp = ProductFactory(name="Alpha lamp", name_zh_hans="Z 台灯")
    fan = ProductFactory(name="Beta fan", name_zh_hans="A 风扇")
    person = customer()
    for product in (lamp, fan):
        ProductFollow.objects.create(user=person, product=product)
        PostFactory(product=product, kind="suggestion")

    def followed():
        return [follow.product.name for follow in followed_communities(person)]

    with translation.override(ZH):
        assert followed() == ["A 风扇", "Z 台灯"]
        assert personal_data.export(person)["followed_communities"] == ["A 风扇", "Z 台灯"]
        assert sorted(load_history().products) == ["A 风扇", "Z 台灯"]
    with translation.override("en"):
        assert followed() == ["Alpha lamp", "Beta fan"]
        assert personal_data.export(person)["followed_communities"] == ["Alpha lamp", "Beta fan"]
        assert sorted(load_history().products) == ["Alpha lamp", "Beta fan"]
