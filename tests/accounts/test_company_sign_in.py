"""Signing in with the company's identity provider (OpenID Connect), configured from the
environment, against the real provider of tests/oidc.py: our login redirect, its login form, the
code, token and userinfo exchange allauth makes, and what we do with the answer."""

import environ
import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group
from django.urls import reverse

from cocreate.accounts import social_settings
from cocreate.accounts.models import User
from cocreate.accounts.roles import Role
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

CLIENT_ID = "cocreate"
SECRET = "client-secret-for-tests"
CALLBACK = "http://testserver/accounts/oidc/company/login/callback/"
REFUSED = "We could not sign you in with Acme staff."


@pytest.fixture
def company(oidc_provider, settings, monkeypatch):
    """The provider as an operator configures it: environment variables only."""
    oidc_provider.add_client(CLIENT_ID, SECRET, [CALLBACK])
    environment = {
        "OIDC_PROVIDERS": "company",
        "OIDC_COMPANY_LABEL": "Acme staff",
        "OIDC_COMPANY_ISSUER": oidc_provider.issuer,
        "OIDC_COMPANY_CLIENT_ID": CLIENT_ID,
        "OIDC_COMPANY_CLIENT_SECRET": SECRET,
        "OIDC_COMPANY_ROLE_AGENT": "cocreate-agents,support-leads",
        "OIDC_COMPANY_ROLE_DESIGNER": "cocreate-designers",
        "OIDC_COMPANY_ROLE_STAFF": "cocreate-admins",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings.SOCIALACCOUNT_PROVIDERS = social_settings.providers(environ.Env())
    return oidc_provider


def start(client, **data):
    """What the login page's button does: our redirect to the provider."""
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "company"}), data)
    assert response.status_code == 302, response
    return response["Location"]


def sign_in(client, provider, username, password, browser=None):
    callback = provider.sign_in(browser or requests.Session(), start(client), username, password)
    return client.get(callback)


def signed_in_user(client):
    return client.get(reverse("core:home")).context["user"]


def test_a_new_company_user_gets_an_account_with_the_roles_of_their_groups(client, company):
    company.add_user(
        "alice",
        "alice-pw",
        email="alice@acme.example",
        name="Alice Agent",
        groups=["cocreate-agents", "canteen"],
    )

    response = sign_in(client, company, "alice", "alice-pw")

    assert response.status_code == 302
    assert response["Location"] == "/desk/"  # where an agent lands, with the roles just given
    user = User.objects.get(email="alice@acme.example")
    assert signed_in_user(client) == user
    assert user.role_names == {Role.CUSTOMER, Role.AGENT}
    assert not user.is_staff
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).provider == "company"


def test_roles_follow_the_groups_at_every_sign_in(client, company):
    company.add_user("dora", "dora-pw", email="dora@acme.example", groups=["cocreate-agents"])
    sign_in(client, company, "dora", "dora-pw")
    dora = User.objects.get(email="dora@acme.example")
    dora.groups.add(Group.objects.get_or_create(name=Role.PARTNER_MEMBER)[0])
    client.logout()

    company.set_groups("dora", ["cocreate-designers", "cocreate-admins"])
    sign_in(client, company, "dora", "dora-pw")

    dora = User.objects.get(pk=dora.pk)
    # Designer and staff granted, agent revoked; partner_member is no role the mapping manages.
    assert dora.role_names == {Role.CUSTOMER, Role.DESIGNER, Role.PARTNER_MEMBER}
    assert dora.is_staff
    assert SocialAccount.objects.filter(user=dora).count() == 1
    client.logout()

    company.set_groups("dora", [])
    sign_in(client, company, "dora", "dora-pw")

    dora = User.objects.get(pk=dora.pk)
    assert dora.role_names == {Role.CUSTOMER, Role.PARTNER_MEMBER}
    assert not dora.is_staff


def test_a_superuser_stays_staff_whatever_the_groups_say(client, company):
    root = UserFactory(username="root", email="root@acme.example", is_staff=True)
    root.is_superuser = True
    root.save()
    company.add_user("root", "root-pw", email="root@acme.example", groups=["cocreate-agents"])

    sign_in(client, company, "root", "root-pw")

    root.refresh_from_db()
    assert signed_in_user(client) == root
    assert root.is_staff and root.is_superuser
    assert Role.AGENT in root.role_names


def test_an_existing_account_with_the_same_verified_address_is_linked(client, company):
    existing = UserFactory(username="bob", email="bob@acme.example")
    company.add_user("bob.b", "bob-pw", email="BOB@acme.example", groups=["cocreate-agents"])

    sign_in(client, company, "bob.b", "bob-pw")

    assert signed_in_user(client) == existing
    assert SocialAccount.objects.get(provider="company").user == existing
    assert User.objects.filter(email__iexact="bob@acme.example").count() == 1
    assert User.objects.get(pk=existing.pk).is_agent


def test_an_unverified_address_of_an_existing_account_is_refused(client, company):
    existing = UserFactory(username="carol", email="carol@acme.example", role=Role.DESIGNER)
    company.add_user(
        "carol", "carol-pw", email="carol@acme.example", email_verified=False,
        groups=["cocreate-admins"],
    )  # fmt: skip

    response = sign_in(client, company, "carol", "carol-pw")

    assert response.status_code == 401
    html = response.content.decode()
    assert "Acme staff has not verified your e-mail address" in html
    assert "already" not in html and "exist" not in html
    assert not signed_in_user(client).is_authenticated
    assert not SocialAccount.objects.exists()
    existing.refresh_from_db()
    assert not existing.is_staff
    assert existing.role_names == {Role.DESIGNER}


def test_the_holder_of_the_address_may_connect_the_provider_from_their_account(client, company):
    carol = UserFactory(username="carol", email="carol@acme.example")
    company.add_user("carol", "carol-pw", email="carol@acme.example", email_verified=False)
    client.force_login(carol)

    callback = company.sign_in(
        requests.Session(), start(client, process="connect"), "carol", "carol-pw"
    )
    response = client.get(callback)

    assert response.status_code == 302
    assert SocialAccount.objects.get(provider="company").user == carol


def test_an_unverified_address_nobody_has_signs_up_and_awaits_confirmation(
    client, company, mailoutbox
):
    company.add_user("erin", "erin-pw", email="erin@acme.example", email_verified=False)

    sign_in(client, company, "erin", "erin-pw")

    erin = User.objects.get(email="erin@acme.example")
    assert signed_in_user(client) == erin
    assert not EmailAddress.objects.get(user=erin).verified
    assert [message.to for message in mailoutbox] == [["erin@acme.example"]]


def test_a_forged_state_is_refused(client, company):
    company.add_user("alice", "alice-pw", email="alice@acme.example")
    callback = company.sign_in(requests.Session(), start(client), "alice", "alice-pw")

    response = client.get(callback.replace("state=", "state=forged"))

    assert response.status_code == 401
    assert REFUSED in response.content.decode()
    assert not User.objects.filter(email="alice@acme.example").exists()


def test_an_id_token_for_another_audience_is_refused(client, company):
    company.add_user("alice", "alice-pw", email="alice@acme.example")
    company.override_id_token_claims(aud="someone-else")

    response = sign_in(client, company, "alice", "alice-pw")

    assert response.status_code == 401
    assert REFUSED in response.content.decode()
    assert not User.objects.filter(email="alice@acme.example").exists()


def test_an_id_token_with_a_nonce_we_never_sent_is_refused(client, company):
    UserFactory(username="alice", email="alice@acme.example", role=None)
    company.add_user("alice", "alice-pw", email="alice@acme.example", groups=["cocreate-admins"])
    company.override_id_token_claims(nonce="forged")

    response = sign_in(client, company, "alice", "alice-pw")

    assert response.status_code == 401
    assert REFUSED in response.content.decode()
    assert not signed_in_user(client).is_authenticated
    assert not User.objects.get(username="alice").is_staff


def test_a_nonce_counts_once(client, company):
    company.add_user("alice", "alice-pw", email="alice@acme.example")
    browser = requests.Session()
    first = company.sign_in(browser, start(client), "alice", "alice-pw")
    nonce = client.session["cocreate_oidc_nonces"][-1]
    company.override_id_token_claims(nonce=nonce)
    assert client.get(first).status_code == 302

    response = sign_in(client, company, "alice", "alice-pw", browser)

    assert response.status_code == 401
