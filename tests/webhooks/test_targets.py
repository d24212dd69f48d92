"""The SSRF guard on malformed URLs, and where a delivery connects: to the address it checked."""

import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cocreate.webhooks import transport
from cocreate.webhooks.models import WebhookDelivery, WebhookEndpoint
from cocreate.webhooks.services import webhook_delivery_attempt
from cocreate.webhooks.targets import validate_target
from tests.factories.accounts import partner_member
from tests.webhooks.conftest import pending_delivery

MALFORMED = [
    "https://example.com:99999/h",
    "https://[::1/h",
    "https://example.com:-1/h",
    "https://example.com:0/h",
]


@pytest.mark.parametrize("url", MALFORMED)
def test_a_malformed_url_is_a_validation_error(url):
    with pytest.raises(ValidationError) as raised:
        validate_target(url)

    assert raised.value.code == "invalid"


@pytest.mark.django_db
@pytest.mark.parametrize("url", MALFORMED)
def test_the_api_reports_a_malformed_url_on_the_url_field(client, url):
    client.force_login(partner_member())

    response = client.post(
        "/api/v1/webhooks/",
        {"url": url, "events": ["post.adopted"]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["url"]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", MALFORMED)
def test_the_page_reports_a_malformed_url_on_the_url_field(client, url):
    client.force_login(partner_member())

    response = client.post(reverse("webhooks:list"), {"url": url, "events": ["post.adopted"]})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["url"]
    assert not WebhookEndpoint.objects.exists()


def test_the_target_keeps_host_port_and_path(resolver):
    resolver.answers["hooks.example"] = ["93.184.216.34"]

    target = validate_target("https://Hooks.Example:8443/in?x=1")

    assert (target.host, target.port, target.path) == ("hooks.example", 8443, "/in?x=1")
    assert target.address == "93.184.216.34"


@pytest.mark.django_db
def test_a_delivery_connects_to_the_address_it_checked_not_a_rebound_one(receiver, resolver):
    # The first lookup (the check) answers the receiver; any later one would answer another
    # loopback address, where nothing listens: a second lookup would make the delivery fail.
    resolver.answers["rebind.example"] = ["127.0.0.1", "127.0.0.2"]
    delivery = pending_delivery(f"http://rebind.example:{receiver.server_port}/hook")

    result = webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1)

    assert result.status == WebhookDelivery.Status.SUCCEEDED, result.last_error
    assert resolver.lookups == {"rebind.example": 1}
    [(headers, _body)] = receiver.received
    assert headers["host"] == f"rebind.example:{receiver.server_port}"


@pytest.mark.django_db
def test_outside_development_the_public_address_checked_is_the_one_connected_to(
    public_only, resolver, monkeypatch
):
    resolver.answers["rebind.example"] = ["93.184.216.34", "127.0.0.1"]
    connected = []

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError("stub: no network in tests")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    delivery = pending_delivery("https://rebind.example/hook")

    webhook_delivery_attempt(delivery_id=delivery.pk, attempt=1)

    assert connected == [("93.184.216.34", 443)]
    assert resolver.lookups == {"rebind.example": 1}


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for hooks.example (openssl from the system)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=hooks.example"]
        + ["-addext", "subjectAltName=DNS:hooks.example"],
        check=True,
        capture_output=True,
    )
    return cert, key


class _Ok(BaseHTTPRequestHandler):
    hosts: list = []

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.hosts.append(self.headers["Host"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def tls_receiver(certificate, monkeypatch):
    cert, key = certificate
    server = HTTPServer(("127.0.0.1", 0), _Ok)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    _Ok.hosts = []
    # The delivery trusts our test CA instead of the system's, with hostname checks as usual.
    monkeypatch.setattr(transport, "tls_context", lambda: ssl.create_default_context(cafile=cert))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_tls_to_the_checked_address_verifies_the_certificate_for_the_host_name(
    tls_receiver, resolver
):
    resolver.answers["hooks.example"] = ["127.0.0.1"]
    resolver.answers["other.example"] = ["127.0.0.1"]
    port = tls_receiver.server_port
    right = pending_delivery(f"https://hooks.example:{port}/hook")
    wrong = pending_delivery(f"https://other.example:{port}/hook")

    webhook_delivery_attempt(delivery_id=right.pk, attempt=1)
    webhook_delivery_attempt(delivery_id=wrong.pk, attempt=1)

    right.refresh_from_db()
    wrong.refresh_from_db()
    assert right.status == WebhookDelivery.Status.SUCCEEDED, right.last_error
    assert _Ok.hosts == [f"hooks.example:{port}"]
    assert wrong.status == WebhookDelivery.Status.PENDING
    assert "CERTIFICATE_VERIFY_FAILED" in wrong.last_error
