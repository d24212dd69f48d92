"""The admin says CoCreate: its header, page titles and index title, the logo and the brand's
colours (a stylesheet of ours: the Content-Security-Policy forbids inline styles), in English and
Simplified Chinese."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from tests.factories.accounts import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(staff(username="stella"))
    return client


def test_the_admin_is_branded_cocreate(admin_client):
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<title>Manage CoCreate | CoCreate admin</title>" in html
    branding = re.search(r'<div id="site-name">(.*?)</div>', html, re.S).group(1)
    assert f'<img src="{static("img/logo.svg")}" alt="" width="28" height="28">' in branding
    assert "CoCreate administration" in branding
    assert "Django" not in html
    assert f'<link rel="stylesheet" href="{static("css/admin.css")}">' in html
    assert f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">' in html
    assert " style=" not in branding


def test_the_sign_in_page_is_branded_too(client):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "| CoCreate admin</title>" in html
    assert "CoCreate administration" in html
    assert static("css/admin.css") in html


def test_the_admin_brand_speaks_chinese(admin_client):
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "<title>管理 CoCreate | CoCreate 管理</title>" in html
    assert "CoCreate 管理后台" in html


def test_the_brand_colours_are_the_sites():
    admin_css = Path(finders.find("css/admin.css")).read_text(encoding="utf-8")
    site_css = Path(finders.find("css/app.css")).read_text(encoding="utf-8")

    brand = re.search(r"--brand: (#[0-9a-f]{6});", site_css).group(1)
    assert f"--header-bg: {brand};" in admin_css
    assert "--primary:" in admin_css and "--secondary:" in admin_css


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_two_sections_of_the_admin_index_share_a_name(admin_client, language):
    """Our accounts app and allauth's both hold account things: each section needs its own name."""
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    sections = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>(.*?)</a>', html, re.S)
    assert len(sections) > 5
    assert len(sections) == len(set(sections)), sections
