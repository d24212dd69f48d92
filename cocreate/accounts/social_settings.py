"""Sign-in through other sites, configured from the environment (docs/accounts.md, "Company
sign-in and social accounts"): settings.py builds `SOCIALACCOUNT_PROVIDERS` with `providers(env)`.

OpenID Connect providers are named in `OIDC_PROVIDERS` (`company,partners`); each name's
variables are `OIDC_<NAME>_ISSUER`, `_CLIENT_ID`, `_CLIENT_SECRET` (required), `_LABEL` (the
button's text), `_SCOPE` (space-separated), `_GROUPS_CLAIM` and `_ROLE_<ROLE>`: the provider's
groups that grant one of our roles (`_ROLE_AGENT`, `_ROLE_DESIGNER`, `_ROLE_PARTNER_MEMBER`,
`_ROLE_CUSTOMER`, `_ROLE_STAFF` for is_staff), comma-separated. Google, GitHub and WeChat are
offered once their credentials are set.
"""

from urllib.parse import urlsplit

import environ

from .roles import STAFF, Role

OIDC_DEFAULT_SCOPE = "openid profile email groups"
# The roles a provider's groups may grant or revoke: our groups, and staff (User.is_staff).
MAPPABLE_ROLES = [*Role.values, STAFF]


def openid_connect_app(env: environ.Env, name: str) -> dict:
    """allauth's settings-backed app for the OpenID Connect provider `name`, with our
    `groups_claim` and `roles` (role -> the provider's groups granting it) in its settings; a
    role without its variable is not managed by the provider."""
    prefix = f"OIDC_{name.upper()}_"
    roles = {
        role: env.list(f"{prefix}ROLE_{role.upper()}")
        for role in MAPPABLE_ROLES
        if f"{prefix}ROLE_{role.upper()}" in env
    }
    return {
        "provider_id": name,
        "name": env.str(f"{prefix}LABEL", default=name.title()),
        "client_id": env.str(f"{prefix}CLIENT_ID"),
        "secret": env.str(f"{prefix}CLIENT_SECRET"),
        "settings": {
            "server_url": env.str(f"{prefix}ISSUER"),
            "scope": env.str(f"{prefix}SCOPE", default=OIDC_DEFAULT_SCOPE).split(),
            "oauth_pkce_enabled": True,
            "groups_claim": env.str(f"{prefix}GROUPS_CLAIM", default="groups"),
            "roles": roles,
        },
    }


# Where the sign-in buttons' forms end up: the Content-Security-Policy's form-action must allow
# the redirect to the provider (allauth's authorization URLs for these providers).
AUTHORIZATION_ORIGINS = {
    "google": "https://accounts.google.com",
    "github": "https://github.com",
    "weixin": "https://open.weixin.qq.com",
}


def form_action_sources(providers: dict) -> list[str]:
    """The origins the configured providers' sign-in redirects go to: each OpenID Connect
    issuer's, and those of the other providers with an app."""
    sources = [
        "{0.scheme}://{0.netloc}".format(urlsplit(app["settings"]["server_url"]))
        for app in providers["openid_connect"]["APPS"]
    ]
    sources += [
        origin for provider, origin in AUTHORIZATION_ORIGINS.items() if providers[provider]["APPS"]
    ]
    return sorted(set(sources))


def _credentials(env: environ.Env, id_variable: str, secret_variable: str) -> list[dict]:
    """One app when both variables are set, else none: the provider's button stays hidden."""
    client_id = env.str(id_variable, default="")
    secret = env.str(secret_variable, default="")
    return [{"client_id": client_id, "secret": secret}] if client_id and secret else []


def providers(env: environ.Env) -> dict:
    """SOCIALACCOUNT_PROVIDERS: every installed provider, with the apps the environment sets.
    Apps added in the admin (allauth's social applications) are offered as well."""
    return {
        "openid_connect": {
            # allauth's provider, with the nonce check it leaves out (cocreate/accounts/oidc.py).
            "provider_class": "cocreate.accounts.oidc.OpenIDConnectProvider",
            "APPS": [
                openid_connect_app(env, name) for name in env.list("OIDC_PROVIDERS", default=[])
            ],
        },
        "google": {
            "APPS": _credentials(env, "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"),
            "SCOPE": ["openid", "profile", "email"],
            "OAUTH_PKCE_ENABLED": True,
        },
        "github": {"APPS": _credentials(env, "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET")},
        "weixin": {"APPS": _credentials(env, "WECHAT_APP_ID", "WECHAT_APP_SECRET")},
    }
