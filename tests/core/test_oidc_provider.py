"""The tests' OpenID Connect provider (tests/oidc.py) answers as a company's provider does,
through the real HTTP exchange: discovery, the authorization code flow behind a login form,
RS256 ID tokens checked against its JWKS with PyJWT (as django-allauth checks them), userinfo
with groups; and it lies on demand about an ID token's audience and nonce."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests

CLIENT_ID = "cocreate"
SECRET = "client-secret-for-tests"
REDIRECT_URI = "http://testserver/accounts/oidc/company/login/callback/"
SCOPE = "openid profile email groups"


@pytest.fixture
def provider(oidc_provider):
    oidc_provider.add_client(CLIENT_ID, SECRET, [REDIRECT_URI])
    oidc_provider.add_user(
        "alice",
        "alice-password",
        email="alice@example.com",
        name="Alice Agent",
        groups=["cocreate-agents"],
    )
    oidc_provider.add_user(
        "dora",
        "dora-password",
        email="dora@example.com",
        name="Dora Designer",
        groups=["cocreate-designers", "cocreate-admins"],
        email_verified=False,
    )
    return oidc_provider


def discovery(provider) -> dict:
    response = requests.get(provider.discovery_url, timeout=10)
    response.raise_for_status()
    return response.json()


def authorization_url(provider, **extra) -> str:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": SCOPE,
        "state": "state-of-this-sign-in",
        "nonce": "nonce-of-this-sign-in",
        **extra,
    }
    return f"{discovery(provider)['authorization_endpoint']}?{urlencode(query)}"


def returned(callback_url: str) -> dict[str, str]:
    """The parameters the provider sends back to the client's redirect URI."""
    assert callback_url.startswith(REDIRECT_URI), callback_url
    return {name: values[0] for name, values in parse_qs(urlsplit(callback_url).query).items()}


def code_for(provider, username, password, **extra) -> str:
    callback = provider.sign_in(
        requests.Session(), authorization_url(provider, **extra), username, password
    )
    return returned(callback)["code"]


def token_request(provider, code, *, secret=SECRET, **extra) -> requests.Response:
    return requests.post(
        discovery(provider)["token_endpoint"],
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
        | extra,
        auth=(CLIENT_ID, secret),
        timeout=10,
    )


def tokens_for(provider, username, password, **extra) -> dict:
    response = token_request(provider, code_for(provider, username, password, **extra))
    assert response.status_code == 200, response.text
    return response.json()


def verified_claims(provider, id_token: str, *, audience=CLIENT_ID) -> dict:
    """The ID token's claims once its signature (by a key of the provider's JWKS), issuer,
    audience and expiry are checked."""
    jwks = requests.get(discovery(provider)["jwks_uri"], timeout=10).json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(id_token)["kid"]]
    return jwt.decode(
        id_token, key, algorithms=["RS256"], audience=audience, issuer=provider.issuer
    )


def test_discovery_names_its_endpoints_below_the_issuer(provider):
    configuration = discovery(provider)

    assert configuration["issuer"] == provider.issuer
    for endpoint in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        assert configuration[endpoint].startswith(provider.issuer + "/"), endpoint
    assert "RS256" in configuration["id_token_signing_alg_values_supported"]
    assert configuration["response_types_supported"] == ["code"]
    assert {"openid", "profile", "email", "groups"} <= set(configuration["scopes_supported"])
    assert {"email", "email_verified", "name", "groups"} <= set(configuration["claims_supported"])


def test_a_sign_in_through_the_login_form_returns_a_code_and_the_state(provider):
    callback = provider.sign_in(
        requests.Session(), authorization_url(provider), "alice", "alice-password"
    )

    parameters = returned(callback)
    assert parameters["state"] == "state-of-this-sign-in"
    assert parameters["code"]


def test_the_code_buys_an_id_token_signed_by_a_key_of_the_jwks(provider):
    tokens = tokens_for(provider, "alice", "alice-password")

    claims = verified_claims(provider, tokens["id_token"])
    assert claims["nonce"] == "nonce-of-this-sign-in"
    assert claims["email"] == "alice@example.com"
    assert claims["email_verified"] is True
    assert claims["name"] == "Alice Agent"
    assert claims["groups"] == ["cocreate-agents"]
    assert claims["sub"]


def test_userinfo_tells_who_signed_in_and_their_groups(provider):
    tokens = tokens_for(provider, "dora", "dora-password")

    response = requests.get(
        discovery(provider)["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    )

    assert response.status_code == 200, response.text
    userinfo = response.json()
    assert userinfo["sub"] == verified_claims(provider, tokens["id_token"])["sub"]
    assert userinfo["email"] == "dora@example.com"
    assert userinfo["email_verified"] is False
    assert userinfo["name"] == "Dora Designer"
    assert userinfo["groups"] == ["cocreate-designers", "cocreate-admins"]


def test_claims_come_only_with_their_scope(provider):
    tokens = tokens_for(provider, "alice", "alice-password", scope="openid email")

    claims = verified_claims(provider, tokens["id_token"])
    assert claims["email"] == "alice@example.com"
    assert "groups" not in claims
    assert "name" not in claims


def test_a_browser_signed_in_at_the_provider_is_sent_back_without_the_form(provider):
    browser = requests.Session()
    provider.sign_in(browser, authorization_url(provider), "alice", "alice-password")

    again = provider.sign_in(
        browser, authorization_url(provider, state="second"), "alice", "wrong password"
    )

    assert returned(again)["state"] == "second"


def test_a_wrong_password_is_refused_at_the_login_form(provider):
    with pytest.raises(AssertionError, match="refused to sign alice in"):
        provider.sign_in(
            requests.Session(), authorization_url(provider), "alice", "not-alice-password"
        )


def test_a_wrong_client_secret_is_refused_at_the_token_endpoint(provider):
    code = code_for(provider, "alice", "alice-password")

    response = token_request(provider, code, secret="not-the-secret")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert token_request(provider, code).status_code == 200


def test_pkce_is_checked_when_the_client_sends_a_challenge(provider):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    pkce = {"code_challenge": challenge.rstrip(b"=").decode(), "code_challenge_method": "S256"}
    code = code_for(provider, "alice", "alice-password", **pkce)

    assert token_request(provider, code, code_verifier=secrets.token_urlsafe(48)).json() == {
        "error": "invalid_grant"
    }
    code = code_for(provider, "alice", "alice-password", **pkce)
    assert token_request(provider, code, code_verifier=verifier).status_code == 200


def test_id_tokens_for_another_audience_on_demand(provider):
    provider.override_id_token_claims(aud="someone-else")

    id_token = tokens_for(provider, "alice", "alice-password")["id_token"]

    with pytest.raises(jwt.InvalidAudienceError):
        verified_claims(provider, id_token)
    assert verified_claims(provider, id_token, audience="someone-else")["email"]


def test_id_tokens_with_a_nonce_the_client_never_sent_on_demand(provider):
    provider.override_id_token_claims(nonce="forged-nonce")

    id_token = tokens_for(provider, "alice", "alice-password")["id_token"]

    assert verified_claims(provider, id_token)["nonce"] == "forged-nonce"


def test_a_reset_forgets_the_clients_users_and_overrides(provider):
    provider.override_id_token_claims(aud="someone-else")

    provider.reset()

    answer = requests.post(
        discovery(provider)["token_endpoint"],
        data={"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT_URI},
        auth=(CLIENT_ID, SECRET),
        timeout=10,
    )
    assert answer.json()["error"] == "invalid_client"
    provider.add_client(CLIENT_ID, SECRET, [REDIRECT_URI])
    with pytest.raises(AssertionError, match="refused to sign alice in"):
        provider.sign_in(requests.Session(), authorization_url(provider), "alice", "alice-password")
    provider.add_user("alice", "alice-password", email="alice@example.com")
    assert verified_claims(provider, tokens_for(provider, "alice", "alice-password")["id_token"])
