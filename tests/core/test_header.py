"""The header's navigation: every visitor's links, and each role's own pages."""

import re

import pytest
from django.urls import reverse

from cocreate.core import menu
from tests.factories.accounts import UserFactory, agent, designer, partner_member, staff

pytestmark = pytest.mark.django_db

EVERYONE = ["/products/", "/community/", "/roadmap/", "/support/", "/partners/"]


def nav_links(client) -> str:
    html = client.get(reverse("core:home")).content.decode()
    return html[html.index('<nav class="main-nav"') : html.index('<ul class="nav-user">')]


def test_anonymous_visitors_see_the_four_sections(client):
    nav = nav_links(client)

    for url in EVERYONE:
        assert f'href="{url}"' in nav
    assert "nav-role" not in nav


@pytest.mark.parametrize(
    ("make_user", "role_urls"),
    [
        (UserFactory, ["/me/"]),
        (agent, ["/desk/", "/community/moderation/"]),
        (designer, ["/design/", "/community/moderation/"]),
        (partner_member, ["/partners/mine/"]),
        (staff, ["/work/", "/desk/", "/design/", "/community/moderation/", "/admin/"]),
    ],
)
def test_each_role_sees_the_links_to_its_pages(client, make_user, role_urls):
    client.force_login(make_user())

    nav = nav_links(client)

    for url in EVERYONE:
        assert f'href="{url}"' in nav
    shown = re.findall(r'class="nav-role[^"]*" href="([^"]+)"', nav)
    # the person's own place (where they land) first, then the others by position
    assert shown == role_urls


def test_the_current_section_is_marked(client):
    html = client.get("/community/").content.decode()

    assert 'href="/community/" aria-current="page"' in html


def test_the_apps_links_come_in_the_order_they_ask_for_not_the_floors(client):
    # A customer's path through the site (catalog, community, support, partners), then the
    # person's own place (staff: the choice of places), then the role pages from the busiest:
    # the order people knew before the apps registered them.
    client.force_login(staff())

    nav = nav_links(client)

    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs == [
        "/products/",
        "/community/",
        "/roadmap/",
        "/support/",
        "/partners/",
        "/work/",
        "/desk/",
        "/design/",
        "/community/moderation/",
        "/admin/",
    ]


def test_a_page_rendered_before_authentication_still_has_the_header(client):
    # A Host the site does not serve is refused before the authentication middleware runs.
    response = client.get("/", HTTP_HOST="elsewhere.example")

    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="/products/"' in html and "nav-role" not in html


def test_an_app_adds_its_links_by_registering_them(client, monkeypatch):
    monkeypatch.setattr(menu, "_entries", dict(menu._entries))
    menu.register_menu_entry("Status", "core:healthz", position=15)
    menu.register_menu_entry(
        "Admin home", "admin:index", position=99, visible=lambda user: user.is_staff
    )
    client.force_login(staff())

    nav = nav_links(client)

    assert '<a href="/healthz" >Status</a>' in nav
    assert '<a class="nav-role" href="/admin/">Admin home</a>' in nav
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs.index("/products/") < hrefs.index("/healthz") < hrefs.index("/community/")


def test_on_a_role_page_only_its_link_is_the_current_page(client):
    client.force_login(partner_member())

    html = client.get("/partners/mine/").content.decode()

    nav = html[html.index('<nav class="main-nav"') : html.index('<ul class="nav-user">')]
    assert nav.count('aria-current="page"') == 1
    assert 'href="/partners/mine/" aria-current="page"' in nav
