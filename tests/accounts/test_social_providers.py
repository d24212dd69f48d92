"""Which sites people may sign in with: what the environment configures
(cocreate/accounts/social_settings.py), shown on the login and sign-up pages."""

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from cocreate.accounts import social_settings
from cocreate.accounts.adapter import provider_roles

COMPANY = {
    "OIDC_PROVIDERS": "company",
    "OIDC_COMPANY_ISSUER": "https://sso.acme.example/realms/staff",
    "OIDC_COMPANY_CLIENT_ID": "cocreate",
    "OIDC_COMPANY_CLIENT_SECRET": "s3cret",
}


def configure(monkeypatch, settings, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings.SOCIALACCOUNT_PROVIDERS = social_settings.providers(environ.Env())


def provider_buttons(client, url_name="account_login") -> list[str]:
    html = client.get(reverse(url_name)).content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-provider="')[1:]]


@pytest.mark.django_db
def test_without_credentials_the_login_page_offers_no_other_site(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = social_settings.providers(environ.Env())

    assert provider_buttons(client) == []
    assert "or continue with" not in client.get(reverse("account_login")).content.decode()


@pytest.mark.django_db
def test_the_login_and_sign_up_pages_offer_the_configured_sites_only(client, settings, monkeypatch):
    configure(
        monkeypatch,
        settings,
        **COMPANY,
        OIDC_COMPANY_LABEL="Acme staff",
        GOOGLE_CLIENT_ID="google-id",
        GOOGLE_CLIENT_SECRET="google-secret",
        WECHAT_APP_ID="wx-id",
        WECHAT_APP_SECRET="wx-secret",
        GITHUB_CLIENT_ID="only-half-of-the-credentials",
    )

    assert sorted(provider_buttons(client)) == ["google", "openid_connect", "weixin"]
    assert sorted(provider_buttons(client, "account_signup")) == [
        "google",
        "openid_connect",
        "weixin",
    ]
    html = client.get(reverse("account_login")).content.decode()
    assert ">Acme staff</button>" in html and ">WeChat</button>" in html
    assert 'action="/accounts/oidc/company/login/?process=login"' in html


def test_a_role_is_managed_only_when_its_variable_is_set(monkeypatch):
    for name, value in COMPANY.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OIDC_COMPANY_ROLE_AGENT", "agents,support")
    monkeypatch.setenv("OIDC_COMPANY_ROLE_STAFF", "")

    app = social_settings.openid_connect_app(environ.Env(), "company")

    assert app["provider_id"] == "company" and app["name"] == "Company"
    assert app["settings"]["server_url"] == COMPANY["OIDC_COMPANY_ISSUER"]
    assert app["settings"]["scope"] == ["openid", "profile", "email", "groups"]
    assert app["settings"]["roles"] == {"agent": ["agents", "support"], "staff": []}


def test_a_provider_without_its_issuer_stops_the_start(monkeypatch):
    monkeypatch.setenv("OIDC_PROVIDERS", "company")
    monkeypatch.setenv("OIDC_COMPANY_CLIENT_ID", "cocreate")
    monkeypatch.setenv("OIDC_COMPANY_CLIENT_SECRET", "s3cret")

    with pytest.raises(ImproperlyConfigured, match="OIDC_COMPANY_ISSUER"):
        social_settings.providers(environ.Env())


def test_groups_grant_the_roles_they_map_to():
    app_settings = {
        "groups_claim": "roles",
        "roles": {"agent": ["agents"], "designer": ["design"], "staff": [], "wizard": ["x"]},
    }

    assert provider_roles(app_settings, {"roles": ["agents", "x"]}) == (
        {"agent"},
        {"agent", "designer", "staff"},
    )
    assert provider_roles(app_settings, {"roles": "design"})[0] == {"designer"}
    assert provider_roles(app_settings, {})[0] == set()
    assert provider_roles({}, {"groups": ["agents"]}) == (set(), set())


def test_the_sign_in_forms_may_end_at_the_configured_providers_only(monkeypatch):
    for name, value in COMPANY.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GITHUB_CLIENT_ID", "github-id")
    monkeypatch.setenv("GITHUB_CLIENT_SECRET", "github-secret")

    sources = social_settings.form_action_sources(social_settings.providers(environ.Env()))

    assert sources == ["https://github.com", "https://sso.acme.example"]
