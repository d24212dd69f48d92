"""The demo catalog and partner directory read in Chinese by li, and staff writing a product's
texts in both languages side by side in the admin (docs/i18n.md, "Content in several
languages"); screenshots at 1366 and 390 px."""

import io

from django.conf import settings
from playwright.sync_api import expect

from cocreate.accounts.seed import seed as seed_accounts
from partners.seed import seed as seed_partners
from products.models import Product
from products.seed import seed as seed_catalog
from tests.e2e.conftest import log_in, screenshot


def _demo() -> None:
    out = io.StringIO()
    seed_accounts(out)
    seed_catalog(out)
    seed_partners(out)


def test_li_reads_the_catalog_and_the_directory_in_chinese(page, transactional_db):
    _demo()
    log_in(page, "li", settings.DEMO_PASSWORD)  # her profile's language: Simplified Chinese

    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/products/aurora-3/")
        expect(page.get_by_role("heading", level=1, name="Aurora 3")).to_be_visible()
        expect(page.get_by_role("rowheader", name="防水等级")).to_be_visible()
        expect(page.get_by_text("我们的现款手机").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"content-zh-product-{width}")
        page.goto("/partners/?q=电池")
        expect(page.get_by_text("锂聚合物电芯").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"content-zh-partners-{width}")


def test_staff_write_a_product_in_both_languages_side_by_side(page, transactional_db):
    _demo()
    product = Product.objects.get(slug="sonata-mini")
    log_in(page, "admin", settings.DEMO_PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"/admin/products/product/{product.pk}/change/")
    english, chinese = page.locator("#id_name_en"), page.locator("#id_name_zh_hans")
    expect(english).to_have_value("Sonata Mini")
    expect(chinese).to_have_value("Sonata Mini")
    chinese.fill("Sonata Mini 小音箱")
    screenshot(page, "content-admin-product-side-by-side")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")

    product.refresh_from_db()
    assert (product.name_en, product.name_zh_hans) == ("Sonata Mini", "Sonata Mini 小音箱")
