"""The anonymous page cache keeps each language and time zone apart: a visitor never gets a page
cached for a reader of another language, nor dates of another time zone."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cocreate.core.i18n import TIME_ZONE_COOKIE
from community.models import Post
from tests.factories.community import PostFactory

pytestmark = pytest.mark.django_db

POSTED_AT = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)  # already 2 March in Shanghai


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 5


def visitor(language=None, time_zone=None) -> Client:
    client = Client()
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if time_zone:
        client.cookies[TIME_ZONE_COOKIE] = time_zone
    return client


def test_a_page_cached_in_english_is_not_served_to_a_chinese_visitor(product):
    url = reverse("community:product", args=[product.slug])
    visitor().get(url)  # fills the cache in English
    assert visitor().get(url)["X-Page-Cache"] == "hit"

    chinese = visitor(language="zh-hans").get(url)
    again = visitor(language="zh-hans").get(url)

    assert "X-Page-Cache" not in chinese
    assert chinese["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in chinese.content.decode()
    assert again["X-Page-Cache"] == "hit" and '<html lang="zh-hans">' in again.content.decode()
    assert again["Content-Language"] == "zh-hans"
    assert '<html lang="en">' in visitor().get(url).content.decode()


def test_a_page_cached_in_one_time_zone_is_not_served_in_another(product):
    post = PostFactory(product=product, title="Battery drains overnight")
    Post.objects.filter(pk=post.pk).update(created_at=POSTED_AT)
    url = reverse("community:product", args=[product.slug])

    in_utc = visitor(time_zone="UTC").get(url)
    in_shanghai = visitor(time_zone="Asia/Shanghai").get(url)
    shanghai_again = visitor(time_zone="Asia/Shanghai").get(url)

    assert "Mar 1, 2026" in in_utc.content.decode()
    assert "X-Page-Cache" not in in_shanghai
    assert "Mar 2, 2026" in in_shanghai.content.decode()
    assert shanghai_again["X-Page-Cache"] == "hit"
    assert "Mar 2, 2026" in shanghai_again.content.decode()
