import pytest

from products.selectors import product_search
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


def names(q: str) -> list[str]:
    return [product.name for product in product_search(q=q, status="", line=None)]


def test_catalog_search_finds_chinese_words_and_keeps_english_prefixes():
    ProductFactory(name="Aurora 3", description="旗舰手机，支持快速充电。")
    ProductFactory(name="Nimbus Router", description="Wi-Fi 6E 路由器，电源适配器另售。")

    assert names("充电") == ["Aurora 3"]
    assert names("电充") == []
    assert names("auro") == ["Aurora 3"]
    assert names("路由器 nimb") == ["Nimbus Router"]
