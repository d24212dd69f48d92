"""Roles read from the cache (cocreate/accounts/role_cache.py): a signed-in page does not ask
the database for them, and a change of someone's roles shows on their next page."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocreate.accounts.role_cache import cached_role_names, remember_role_names
from cocreate.accounts.roles import Role
from tests.factories.accounts import agent

pytestmark = pytest.mark.django_db


def role_links(client) -> list[str]:
    html = client.get(reverse("core:home")).content.decode()
    return re.findall(r'class="nav-role[^"]*" href="([^"]+)"', html)


def test_a_signed_in_page_reads_the_roles_from_the_cache(client):
    client.force_login(agent())
    client.get(reverse("core:home"))

    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("core:home"))

    assert not [q for q in ctx.captured_queries if "auth_group" in q["sql"]]


def test_a_role_taken_away_or_given_shows_on_the_next_page(client):
    sam = agent()
    client.force_login(sam)
    assert role_links(client) == ["/desk/", "/community/moderation/"]

    sam.groups.clear()
    assert role_links(client) == ["/me/"]

    Group.objects.get(name=Role.AGENT).user_set.add(sam)
    assert role_links(client) == ["/desk/", "/community/moderation/"]

    Group.objects.get(name=Role.AGENT).user_set.remove(sam)
    assert role_links(client) == ["/me/"]


def test_a_group_renamed_changes_its_members_roles_at_once(client):
    client.force_login(agent())
    assert role_links(client) == ["/desk/", "/community/moderation/"]

    group = Group.objects.get(name=Role.AGENT)
    group.name = "former agents"
    group.save()

    assert role_links(client) == []  # a group that is no role: no role's pages, nor one's own


def test_roles_read_before_a_change_commits_are_not_stored_back(
    django_capture_on_commit_callbacks,
):
    sam = agent()
    with django_capture_on_commit_callbacks(execute=True):
        sam.groups.clear()

    # What a request that read the roles just before the commit would store.
    remember_role_names(sam.pk, frozenset({Role.AGENT}))

    assert cached_role_names(sam.pk) is None
