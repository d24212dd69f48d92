"""The favicon: an SVG of the logo with PNG and ICO fallbacks, linked from every page, and
/favicon.ico (which browsers and crawlers ask for on their own) never a 404."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image

pytestmark = pytest.mark.django_db


def test_every_page_links_the_svg_icon_and_its_fallbacks(client):
    html = client.get("/").content.decode()

    assert f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">' in html
    assert f'<link rel="icon" href="{static("img/favicon.ico")}" sizes="48x48">' in html
    assert f'<link rel="apple-touch-icon" href="{static("img/apple-touch-icon.png")}">' in html


def test_favicon_ico_at_the_root_leads_to_the_icon(client):
    response = client.get("/favicon.ico")

    # Temporary: the static name carries a hash that changes with the icon.
    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.ico")


def test_the_fallbacks_are_the_sizes_browsers_ask_for():
    with Image.open(finders.find("img/favicon.ico")) as ico:
        assert ico.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48)} <= ico.info["sizes"]
    with Image.open(finders.find("img/apple-touch-icon.png")) as touch:
        assert touch.size == (180, 180)
        assert touch.mode == "RGB"  # opaque: iOS would paint transparent corners black
