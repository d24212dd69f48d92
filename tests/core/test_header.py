"""The header's navigation: every visitor's links, and each role's own pages."""

import re

import pytest
from django.urls import reverse

from cocreate.core import menu
from tests.factories.accounts import UserFactory, agent, designer, partner_member, staff
from tests.factories.notifications import NotificationFactory

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


def test_with_a_warm_cache_each_person_gets_their_own_header(client):
    # The links are rendered once per set of links and language (cocreate/core/menu.py): two
    # people of other roles and languages, one after the other, each get their own.
    sam = agent(username="sam", language="zh-hans")
    alice = UserFactory(username="alice", language="en")
    NotificationFactory(recipient=sam)
    visits = []
    for _ in range(2):
        for person in (sam, alice):
            client.force_login(person)
            visits.append(client.get("/community/").content.decode())

    for html in visits[0::2]:  # sam's
        assert '<html lang="zh-hans">' in html
        assert 'class="nav-role nav-own" href="/desk/"' in html and ">服务台<" in html
        assert 'href="/community/" aria-current="page">社区<' in html
        assert ">sam<" in html and 'data-testid="unread-count">1<' in html
    for html in visits[1::2]:  # alice's
        assert '<html lang="en">' in html
        assert 'href="/desk/"' not in html and 'class="nav-role nav-own" href="/me/"' in html
        assert 'href="/community/" aria-current="page">Community<' in html
        assert ">alice<" in html and "unread-count" not in html


def test_what_every_signed_in_page_costs(client, django_assert_num_queries):
    # A page with nothing of its own (the 404 page) shows what the site shell costs once the
    # cache is warm: the session and the roles come from the cache, and the database gives
    # the user and the unread count (docs/performance.md, "What every signed-in page costs").
    client.force_login(agent())
    client.get("/no-such-page/")

    with django_assert_num_queries(2):
        assert client.get("/no-such-page/").status_code == 404
