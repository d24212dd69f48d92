"""A person of the company signs in with its identity provider, in a browser."""

import environ
from playwright.sync_api import expect

from cocreate.accounts import social_settings
from cocreate.accounts.models import User
from tests.e2e.conftest import screenshot


def test_an_agent_signs_in_with_the_company_provider_and_lands_on_the_desk(
    page, live_server, transactional_db, oidc_provider, settings, monkeypatch
):
    oidc_provider.add_client(
        "cocreate", "e2e-secret", [f"{live_server.url}/accounts/oidc/company/login/callback/"]
    )
    oidc_provider.add_user(
        "arne.k", "arne-pw", email="arne@acme.example", name="Arne K", groups=["cocreate-agents"]
    )
    environment = {
        "OIDC_PROVIDERS": "company",
        "OIDC_COMPANY_LABEL": "Acme staff",
        "OIDC_COMPANY_ISSUER": oidc_provider.issuer,
        "OIDC_COMPANY_CLIENT_ID": "cocreate",
        "OIDC_COMPANY_CLIENT_SECRET": "e2e-secret",
        "OIDC_COMPANY_ROLE_AGENT": "cocreate-agents",
        "GOOGLE_CLIENT_ID": "google-id",
        "GOOGLE_CLIENT_SECRET": "google-secret",
        "WECHAT_APP_ID": "wx-id",
        "WECHAT_APP_SECRET": "wx-secret",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings.SOCIALACCOUNT_PROVIDERS = social_settings.providers(environ.Env())
    # As settings.py makes it from the same environment: the buttons' forms may end at the
    # provider's login page.
    settings.CONTENT_SECURITY_POLICY = settings.CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'",
        " ".join(
            [
                "form-action 'self'",
                *social_settings.form_action_sources(settings.SOCIALACCOUNT_PROVIDERS),
            ]
        ),
    )

    page.goto("/desk/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    screenshot(page, "login-with-providers")
    page.get_by_role("button", name="Acme staff").click()

    page.get_by_label("Username").fill("arne.k")
    page.get_by_label("Password").fill("arne-pw")
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/desk/")
    expect(page.get_by_role("heading", name="Ticket queue")).to_be_visible()
    screenshot(page, "company-sign-in-desk")
    arne = User.objects.get(email="arne@acme.example")
    assert arne.is_agent
    expect(page.get_by_text(f"Signed in as {arne.username}.")).to_be_visible()
