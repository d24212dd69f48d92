"""allauth's OpenID Connect provider with a nonce (settings.SOCIALACCOUNT_PROVIDERS'
`provider_class`). allauth 65.22 checks an ID token's signature, issuer, audience and expiry, but
sends no nonce and checks none, so an ID token issued for another sign-in of our client would
pass: here each sign-in sends a fresh nonce, kept in the browser's session, and its ID token must
carry it back, once."""

import secrets

from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect import provider as allauth_oidc

NONCES_SESSION_KEY = "cocreate_oidc_nonces"
# Sign-ins a session may have under way at once (several tabs); allauth keeps as many states.
PENDING_NONCES = 10


def nonce_issue(request) -> str:
    nonce = secrets.token_urlsafe(32)
    pending = request.session.get(NONCES_SESSION_KEY, [])
    request.session[NONCES_SESSION_KEY] = [*pending[-(PENDING_NONCES - 1) :], nonce]
    return nonce


def nonce_redeem(request, nonce) -> None:
    """Accept `nonce` once if this session sent it; raise OAuth2Error otherwise (allauth then
    shows its authentication error page)."""
    pending = request.session.get(NONCES_SESSION_KEY, [])
    if not isinstance(nonce, str) or nonce not in pending:
        raise OAuth2Error("the ID token's nonce is not one this session sent")
    pending.remove(nonce)
    request.session[NONCES_SESSION_KEY] = pending


class OpenIDConnectProvider(allauth_oidc.OpenIDConnectProvider):
    # allauth's URLs and views for it (accounts/oidc/<provider_id>/login/ and …/callback/).
    package = allauth_oidc.OpenIDConnectProvider.get_package()

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce_issue(request)
        return super().redirect(request, process, next_url, data, auth_params=auth_params, **kwargs)

    def sociallogin_from_response(self, request, response):
        """`response` holds the ID token's claims, checked by allauth, under "id_token"."""
        nonce_redeem(request, (response.get("id_token") or {}).get("nonce"))
        return super().sociallogin_from_response(request, response)
