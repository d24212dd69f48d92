"""manage.py seed_demo: the demo accounts, their roles and password; --if-empty."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from cocreate.accounts.models import User
from cocreate.accounts.roles import Role
from cocreate.accounts.seed import seed as seed_accounts
from products.models import Product
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

DEMO_ROLES = {
    "alice": {Role.CUSTOMER},
    "bob": {Role.CUSTOMER},
    "sam": {Role.AGENT},
    "tina": {Role.AGENT},
    "dana": {Role.DESIGNER},
    "paul": {Role.PARTNER_MEMBER},
    "li": {Role.CUSTOMER},
    "admin": set(),
}


def seed_demo(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_on_an_empty_database_creates_the_eight_accounts_and_prints_them():
    output = seed_demo("--if-empty")

    users = {user.username: user for user in User.objects.prefetch_related("groups")}
    assert set(users) >= set(DEMO_ROLES)
    for username, roles in DEMO_ROLES.items():
        user = users[username]
        assert {group.name for group in user.groups.all()} == roles, username
        assert user.check_password(settings.DEMO_PASSWORD), username
        assert user.is_staff == user.is_superuser == (username == "admin"), username
    assert users["li"].language == "zh-hans" and users["li"].time_zone == "Asia/Shanghai"
    assert Product.objects.exists()  # every app's seed ran
    assert "Demo data loaded." in output
    # It prints the accounts and their password, one line each.
    assert f"Demo accounts (password: {settings.DEMO_PASSWORD}):" in output
    lines = output.splitlines()
    for username in DEMO_ROLES:
        assert any(line.split()[:1] == [username] for line in lines), username
    assert "  admin    staff" in lines


def test_if_empty_does_nothing_on_a_database_that_already_has_users():
    UserFactory(username="carol")  # a real site's user: no superuser with a published password

    output = seed_demo("--if-empty")

    assert list(User.objects.values_list("username", flat=True)) == ["carol"]
    assert not Product.objects.exists()
    assert "demo data not loaded" in output
    assert "Demo accounts" not in output


def test_if_empty_on_a_seeded_database_only_prints_the_accounts():
    seed_accounts(io.StringIO())
    users = User.objects.count()

    output = seed_demo("--if-empty")

    assert User.objects.count() == users
    assert not Product.objects.exists()  # the other apps' seeds did not run
    assert "Demo data already loaded." in output
    assert "Demo accounts (password:" in output
