import re

import pytest
from django.urls import reverse

from cocreate.core.markup import render_markdown

pytestmark = pytest.mark.django_db


def test_home_page(client):
    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    assert b"Build the next generation together." in response.content
    assert "Content-Security-Policy" in response.headers


def test_unknown_url_gets_the_styled_404_page(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert b"We could not find that page." in response.content


def test_unknown_api_url_gets_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_htmx_is_served_from_our_own_static_files(client):
    html = client.get(reverse("core:home")).content.decode()

    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "//cdn" not in html and "unpkg" not in html


def test_api_docs_and_schema_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_markdown_never_lets_scripts_through(attack):
    html = render_markdown(attack)

    assert "<script" not in html
    assert re.search(r"<[^>]*\son\w+\s*=", html) is None  # no event handler on any tag
    assert re.search(r"<a[^>]*javascript:", html) is None  # no live javascript: link


def test_markdown_keeps_formatting_and_makes_links_nofollow():
    html = render_markdown("**bold** and [a link](https://example.com)\n\n- item")

    assert "<strong>bold</strong>" in html
    assert 'href="https://example.com"' in html and "nofollow" in html
    assert "<li>item</li>" in html


def test_a_nul_character_in_the_address_gets_the_styled_400_page(client):
    response = client.get("/products/", {"q": "router\x00"})

    assert response.status_code == 400
    assert b"We could not read that request." in response.content
