"""A real OpenID Connect provider for tests: the small Django project of tests/oidc_provider
(django-oauth-toolkit's OpenID Connect support) served by gunicorn on a free port of 127.0.0.1,
with a SQLite database and an RSA signing key of its own in a throwaway folder.

Its issuer is `issuer` (discovery at `discovery_url`); its login page is a plain HTML form,
which `sign_in` fills as a browser would. The test says who may sign in and which clients there
are (`add_user`, `add_client`), and what the ID tokens lie about (`override_id_token_claims`)
through control endpoints of its own, with plain `requests`, not the code under test.
"""

import importlib.util
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from tests.broker import free_port
from tests.processes import ChildServer
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
START_TIMEOUT = 60  # seconds: generous, the machine may be busy
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class OidcProvider(ChildServer):
    """The provider as a child of the test process, every file under `directory`."""

    host = "127.0.0.1"

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.base_url = f"http://{self.host}:{self.port}"
        self.issuer = f"{self.base_url}/o"
        self.discovery_url = f"{self.issuer}/.well-known/openid-configuration"
        self.log = directory / "provider.log"
        self._control_token = secrets.token_urlsafe()
        self.process = None

    def _environment(self) -> dict[str, str]:
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("DJANGO_", "GUNICORN_"))
        }
        return {
            **inherited,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
            "OIDC_PROVIDER_DIR": str(self.directory),
            "OIDC_PROVIDER_ISSUER": self.issuer,
            "OIDC_PROVIDER_SECRET_KEY": secrets.token_urlsafe(50),
            "OIDC_PROVIDER_CONTROL_TOKEN": self._control_token,
        }

    def start(self):
        if importlib.util.find_spec("oauth2_provider") is None:
            pytest.fail(
                "django-oauth-toolkit is not installed: run `make install-dev` "
                "(pip install -e '.[embedded,dev]')."
            )
        subprocess.run(
            ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
             "-out", "signing-key.pem"],
            cwd=self.directory, check=True, capture_output=True,
        )  # fmt: skip
        environ = self._environment()
        with self.log.open("ab") as output:
            migrated = subprocess.run(
                [sys.executable, "-m", "django", "migrate", "--no-input"],
                cwd=self.directory, env=environ, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
            if migrated.returncode != 0:
                pytest.fail(f"the OIDC provider's database was not made:\n{self.log_text()}")
            # Started in its folder, so that gunicorn reads no gunicorn.conf.py of the project's.
            # One worker process: the ID token overrides live in its memory.
            self.process = subprocess.Popen(
                [str(GUNICORN), "--bind", f"{self.host}:{self.port}", "--workers", "1",
                 "--worker-class", "gthread", "--threads", "4", "--no-control-socket",
                 "--access-logfile", "-", "tests.oidc_provider.wsgi:application"],
                cwd=self.directory, env=environ, stdout=output, stderr=subprocess.STDOUT,
                process_group=0,  # its own, so that its worker ends with it even when killed
            )  # fmt: skip

        def serving() -> bool:
            if self.process.poll() is not None:
                pytest.fail(
                    f"the OIDC provider exited with {self.process.returncode}:\n{self.log_text()}"
                )
            try:
                return requests.get(self.discovery_url, timeout=2).ok
            except requests.ConnectionError:
                return False

        wait_until(
            serving,
            timeout=START_TIMEOUT,
            interval=0.1,
            message=lambda: (
                f"the OIDC provider to answer at {self.discovery_url}; its log:\n" + self.log_text()
            ),
        )

    def _control(self, path: str, **values):
        response = requests.post(
            f"{self.base_url}/control/{path}",
            json=values,
            headers={"Authorization": f"Bearer {self._control_token}"},
            timeout=30,
        )
        assert response.status_code == 204, (
            f"the OIDC provider refused {path} ({response.status_code}); its log:\n"
            + self.log_text()
        )

    def reset(self):
        """No clients, users, sessions or ID token overrides: as it started."""
        self._control("reset")

    def add_client(self, client_id: str, secret: str, redirect_uris: list[str]):
        """A confidential client of the authorization code flow, its ID tokens signed with RS256
        (the provider's key, published at the JWKS endpoint). Its users are sent back to it
        without a consent page."""
        self._control("clients", client_id=client_id, secret=secret, redirect_uris=redirect_uris)

    def add_user(
        self,
        username: str,
        password: str,
        *,
        email: str,
        groups: Sequence[str] = (),
        email_verified: bool = True,
        name: str = "",
    ):
        """Someone who may sign in. With scope `profile` the provider tells clients their
        `name` and `preferred_username`, with `email` their `email` and `email_verified`, with
        `groups` their `groups` (a list of strings); `sub` is an opaque number."""
        self._control(
            "users",
            username=username,
            password=password,
            email=email,
            groups=list(groups),
            email_verified=email_verified,
            name=name,
        )

    def set_groups(self, username: str, groups: Sequence[str]):
        """`username` is now in these groups: the provider's tokens and userinfo say so."""
        self._control("groups", username=username, groups=list(groups))

    def override_id_token_claims(self, **claims):
        """From now on, until `reset`, the ID tokens carry these claims instead of the true
        ones, still signed with the provider's key: `aud="someone-else"` makes them ID tokens
        for another audience, `nonce="…"` answers with a nonce the client never sent."""
        self._control("id-token-claims", **claims)

    def sign_in(
        self, browser: requests.Session, authorization_url: str, username: str, password: str
    ) -> str:
        """What a person does in a browser: follows `authorization_url` (the client's redirect
        to the provider), fills in the provider's login form unless `browser` is signed in
        there already, and returns the URL the provider then sends the browser to: the client's
        redirect URI with `code` and `state` (or `error`), not followed."""
        response = browser.get(authorization_url, allow_redirects=False)
        assert response.status_code == 302, f"no redirect from the authorization: {response.text}"
        location = urljoin(authorization_url, response.headers["Location"])
        if not location.startswith(f"{self.base_url}/login/"):
            return location
        form = browser.get(location)
        token = _CSRF_INPUT.search(form.text)
        assert token, f"no login form at {location}: {form.text}"
        posted = browser.post(
            location,
            data={"username": username, "password": password, "csrfmiddlewaretoken": token[1]},
            allow_redirects=False,
        )
        assert posted.status_code == 302, f"the provider refused to sign {username} in"
        back = browser.get(urljoin(location, posted.headers["Location"]), allow_redirects=False)
        assert back.status_code == 302, f"no redirect after signing in: {back.text}"
        return urljoin(location, back.headers["Location"])


@contextmanager
def running_oidc_provider():
    """A started `OidcProvider`, stopped and its folder removed when done."""
    directory = Path(tempfile.mkdtemp(prefix="cocreate-oidc-"))
    provider = OidcProvider(directory)
    try:
        provider.start()
        yield provider
    finally:
        provider.stop()
        shutil.rmtree(directory, ignore_errors=True)
