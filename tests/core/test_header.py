"""The header's navigation: every visitor's links, and each role's own pages."""

import pytest
from django.urls import reverse

from tests.factories.accounts import UserFactory, agent, designer, partner_member, staff

pytestmark = pytest.mark.django_db

EVERYONE = ["/products/", "/community/", "/support/", "/partners/"]


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
        (UserFactory, []),
        (agent, ["/desk/", "/community/moderation/"]),
        (designer, ["/design/", "/community/moderation/"]),
        (partner_member, ["/partners/mine/"]),
        (staff, ["/desk/", "/design/", "/community/moderation/", "/admin/"]),
    ],
)
def test_each_role_sees_the_links_to_its_pages(client, make_user, role_urls):
    client.force_login(make_user())

    nav = nav_links(client)

    for url in EVERYONE:
        assert f'href="{url}"' in nav
    shown = {
        url
        for url in ["/desk/", "/design/", "/community/moderation/", "/partners/mine/", "/admin/"]
        if f'class="nav-role" href="{url}"' in nav
    }
    assert shown == set(role_urls)


def test_the_current_section_is_marked(client):
    html = client.get("/community/").content.decode()

    assert 'href="/community/" aria-current="page"' in html
