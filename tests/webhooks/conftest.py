"""Local receivers for webhook deliveries, and a stub resolver (fault injection of DNS)."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cocreate.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories.accounts import partner_member


class Receiver(ThreadingHTTPServer):
    """Answers each POST with the next of `statuses` (the last one repeats) after calling
    `on_request(headers)`; remembers every request as (headers, body)."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.statuses = [204]
        self.received = []
        self.on_request = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_port}/hook"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        server = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {key.lower(): value for key, value in self.headers.items()}
        server.received.append((headers, body))
        if server.on_request is not None:
            server.on_request(headers)
        index = min(len(server.received), len(server.statuses)) - 1
        self.send_response(server.statuses[index])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _serve(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def receiver():
    server = Receiver()
    _serve(server)
    yield server
    server.shutdown()
    server.server_close()


class GarbageReceiver:
    """A TCP server that answers any request with a line that is not HTTP, then hangs up."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.connections = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"

    def _run(self):
        while not self._stop.is_set():
            try:
                connection, _address = self.sock.accept()
            except TimeoutError:
                continue
            with connection:
                self.connections += 1
                connection.settimeout(2)
                try:
                    connection.recv(65536)
                    connection.sendall(b"garbage, not a status line\r\n\r\n")
                except OSError:
                    pass

    def close(self):
        self._stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def garbage_receiver():
    server = GarbageReceiver()
    yield server
    server.close()


@pytest.fixture
def resolver(monkeypatch):
    """Stub DNS: `resolver.answers[name]` is the list of addresses each successive lookup of
    `name` returns (the last one repeats); other names resolve as usual. `resolver.lookups`
    counts lookups per stubbed name."""
    real_getaddrinfo = socket.getaddrinfo

    class Stub:
        answers: dict[str, list[str]] = {}
        lookups: dict[str, int] = {}

        def __call__(self, host, port, *args, **kwargs):
            if host not in self.answers:
                return real_getaddrinfo(host, port, *args, **kwargs)
            count = self.lookups.get(host, 0)
            self.lookups[host] = count + 1
            address = self.answers[host][min(count, len(self.answers[host]) - 1)]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    stub = Stub()
    stub.answers, stub.lookups = {}, {}
    monkeypatch.setattr(socket, "getaddrinfo", stub)
    return stub


@pytest.fixture
def public_only(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False


def pending_delivery(url, owner=None, **fields):
    endpoint = WebhookEndpoint.objects.create(
        owner=owner or partner_member(), url=url, events=["post.adopted"]
    )
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event="post.adopted", payload={"post": 7}, **fields
    )
