"""E-mail addresses are allauth's EmailAddress rows; `has_verified_email` reads the verified
primary one. Changing the address verifies the new one and tells the old one."""

import importlib
import re

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.urls import reverse

from cocreate.accounts.models import User
from cocreate.accounts.selectors import has_verified_email, verified_email_user_ids
from cocreate.accounts.services import user_create_unclaimed
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_the_factories_make_verified_addresses_unless_told_otherwise():
    verified = UserFactory()
    unverified = UserFactory(verified_email=False)

    assert has_verified_email(verified)
    assert not has_verified_email(unverified)
    assert not has_verified_email(UserFactory(email=""))
    assert not has_verified_email(UserFactory(is_active=False))
    assert not has_verified_email(None)


def test_many_people_are_checked_in_one_query(django_assert_num_queries):
    people = [UserFactory() for _ in range(5)] + [UserFactory(verified_email=False)]

    with django_assert_num_queries(1):
        ids = verified_email_user_ids(people)

    assert ids == {person.pk for person in people[:5]}


def test_an_address_verified_but_no_longer_the_accounts_does_not_count():
    user = UserFactory(email="old@example.com")
    User.objects.filter(pk=user.pk).update(email="new@example.com")
    user.refresh_from_db()

    assert not has_verified_email(user)


def test_an_account_opened_for_a_support_e_mail_is_verified():
    user = user_create_unclaimed(email="li.wei@example.cn")

    assert has_verified_email(user)


def test_existing_accounts_are_migrated_verified():
    with_address = UserFactory(email="Ann@Example.com")
    without_address = UserFactory(email="")
    EmailAddress.objects.all().delete()
    migration = importlib.import_module(
        "cocreate.accounts.migrations.0004_verified_email_addresses"
    )

    migration.verify_existing_addresses(apps, None)
    migration.verify_existing_addresses(apps, None)  # a second run adds nothing

    [address] = EmailAddress.objects.all()
    assert (address.user, address.email, address.primary, address.verified) == (
        with_address,
        "ann@example.com",
        True,
        True,
    )
    assert has_verified_email(with_address) and not has_verified_email(without_address)


def _link(message) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_changing_the_address_verifies_the_new_one_and_tells_the_old_one(client, mailoutbox):
    user = UserFactory(email="old@example.com")
    client.force_login(user)

    client.post(reverse("account_email"), {"action_add": "", "email": "new@example.com"})

    [confirmation] = mailoutbox
    assert confirmation.to == ["new@example.com"]
    user.refresh_from_db()
    assert user.email == "old@example.com" and has_verified_email(user)  # until confirmed

    client.post(_link(confirmation))

    user.refresh_from_db()
    assert user.email == "new@example.com" and has_verified_email(user)
    notices = [message for message in mailoutbox[1:] if message.to == ["old@example.com"]]
    assert notices, [(message.to, message.subject) for message in mailoutbox]


def test_the_e_mail_page_offers_to_send_the_link_again(client):
    user = UserFactory(email="new@example.com", verified_email=False)
    client.force_login(user)

    html = client.get(reverse("account_email")).content.decode()

    assert "not confirmed yet" in html and 'name="action_send"' in html


def test_the_profile_shows_the_address_and_whether_it_is_confirmed(client):
    client.force_login(UserFactory(email="new@example.com", verified_email=False))

    html = client.get(reverse("profile")).content.decode()

    assert "new@example.com" in html and reverse("account_email") in html
    assert "not confirmed yet" in html
