"""Images in user Markdown: the pages' Content-Security-Policy loads images from this site only
(img-src 'self'), so an image elsewhere becomes a link to it, its alt text the link's text. Pages
show no broken image, and readers of body_html through the API load no tracking pixel."""

import re

import pytest

from cocreate.core.markup import render_markdown


def _imgs(html: str) -> list[str]:
    return re.findall(r"<img\b[^>]*>", html)


@pytest.mark.parametrize(
    "src",
    [
        "https://tracker.example/pixel.png",
        "http://tracker.example/pixel.png",
        "//tracker.example/pixel.png",  # protocol-relative: another host
        "HTTPS://TRACKER.EXAMPLE/pixel.png",
        "https://127.0.0.1.tracker.example/pixel.png",
    ],
)
def test_an_image_on_another_site_becomes_a_link_named_by_its_alt_text(src, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"

    html = render_markdown(f"Look: ![the cracked hinge]({src})")

    assert _imgs(html) == []
    link = re.search(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', html)
    assert link is not None, html
    assert link.group(2) == "the cracked hinge"
    assert "tracker.example" in link.group(1).lower()
    assert "nofollow" in html


def test_an_image_without_alt_text_links_with_its_address_as_text():
    html = render_markdown("![](https://tracker.example/pixel.png)")

    assert _imgs(html) == []
    assert ">https://tracker.example/pixel.png</a>" in html


def test_the_alt_text_of_a_linked_image_is_escaped_and_its_title_kept():
    html = render_markdown('![<b>x</b> & *y*](https://cdn.example/a.png "A title")')

    assert _imgs(html) == []
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt; &amp; y</a>" in html
    assert 'title="A title"' in html


def test_a_reference_style_image_elsewhere_becomes_a_link_too():
    html = render_markdown("![diagram][d]\n\n[d]: https://cdn.example/diagram.png")

    assert _imgs(html) == []
    assert ">diagram</a>" in html and 'href="https://cdn.example/diagram.png"' in html


def test_an_image_elsewhere_inside_a_link_leaves_its_alt_text_in_that_link():
    html = render_markdown("[![logo](https://cdn.example/logo.png)](https://example.com/shop)")

    assert _imgs(html) == []
    assert html.count("<a ") == 1
    assert re.search(r'<a href="https://example.com/shop"[^>]*>logo</a>', html)


@pytest.mark.parametrize("src", ["/media/community/posts/a.png", "/static/img/logo.svg"])
def test_an_image_on_this_site_stays_an_image(src):
    html = render_markdown(f"![the hinge]({src})")

    assert _imgs(html) == [f'<img src="{src}" alt="the hinge">']


def test_an_image_at_the_sites_own_address_stays_an_image(settings):
    settings.SITE_URL = "https://cocreate.example"

    html = render_markdown("![hinge](https://cocreate.example/media/a.png)")

    assert _imgs(html) == ['<img src="https://cocreate.example/media/a.png" alt="hinge">']


@pytest.mark.parametrize(
    "src",
    [
        "/\\tracker.example/pixel.png",  # browsers read a backslash as a slash
        "\\\\tracker.example/pixel.png",
        " //tracker.example/pixel.png",
        "javascript:alert(1)",
    ],
)
def test_addresses_that_only_look_local_load_nothing_elsewhere(src):
    html = render_markdown(f"![x]({src})")

    for img in _imgs(html):
        address = re.search(r'src="([^"]*)"', img).group(1)
        assert address.startswith("/") and not address.startswith("//") and "\\" not in address
    assert not re.search(r'(src|href)="\s*javascript:', html)
