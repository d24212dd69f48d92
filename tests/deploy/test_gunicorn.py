"""gunicorn as shipped (gunicorn.conf.py, cocreate/gunicorn_worker.py) against slow clients and
oversized uploads, over real sockets. Each test says how long it waits: the clients trickle one
byte a second, and "answered" means within a generous timeout, not fast."""

import json
import socket
import time

import pytest

from tests.deploy.conftest import (
    get,
    gunicorn,
    http_request,
    read_until_closed,
    slow_bodies,
    slow_heads,
)

SHIPPED_WORKERS, SHIPPED_THREADS = 3, 4  # gunicorn.conf.py's defaults
ANSWERED_WITHIN = 10  # seconds: a generous bound for "answered, not hung"


@pytest.mark.parametrize(
    "cmd_args, survives",
    [
        pytest.param("", True, id="shipped"),
        # The setup before gunicorn.conf.py: three sync workers, each pinned by one slow client.
        pytest.param(
            "--worker-class sync --workers 3 --threads 1",
            False,
            id="three-sync-workers",
            marks=pytest.mark.slow,
        ),
    ],
)
def test_slow_clients_do_not_take_the_site_down(tmp_path, cmd_args, survives):
    more_than_every_thread = SHIPPED_WORKERS * SHIPPED_THREADS + 2

    with (
        gunicorn(tmp_path, cmd_args=cmd_args) as server,
        slow_heads(server.port, more_than_every_thread) as heads,
        slow_bodies(server.port, 1, path="/api/v1/auth/token/") as bodies,
    ):
        try:
            status = get(server.port, timeout=ANSWERED_WITHIN)
        except TimeoutError:
            status = None
        still_sending = heads.still_sending() + bodies.still_sending()

    if survives:
        assert status == b"HTTP/1.1 200 OK"
        # Answered while every slow client was still connected, not after they were dropped.
        assert still_sending == more_than_every_thread + 1
    else:
        assert status is None


@pytest.fixture
def one_thread(tmp_path):
    """A single worker with a single thread: whatever holds the thread, holds the site."""
    return {"GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "1"}


def test_slow_request_heads_hold_no_thread(tmp_path, one_thread):
    with gunicorn(tmp_path, **one_thread) as server, slow_heads(server.port, 20) as heads:
        status = get(server.port, timeout=ANSWERED_WITHIN)

        assert status == b"HTTP/1.1 200 OK"
        assert heads.still_sending() == 20


@pytest.mark.slow
def test_a_request_head_not_complete_in_time_is_closed(tmp_path):
    with (
        gunicorn(tmp_path, GUNICORN_HEADER_TIMEOUT="2") as server,
        slow_heads(server.port, 1, seconds=20) as head,
    ):
        answer = read_until_closed(head.connections[0], timeout=ANSWERED_WITHIN)

    assert answer == b""  # closed without a word (and not by the client: it sent for 20 s)


@pytest.mark.slow
def test_a_body_not_arriving_in_time_gives_its_thread_back(tmp_path, one_thread):
    # The token endpoint reads its JSON body: the only thread waits for it, until the deadline.
    with (
        gunicorn(tmp_path, GUNICORN_BODY_TIMEOUT="2", **one_thread) as server,
        slow_bodies(server.port, 1, path="/api/v1/auth/token/", seconds=20) as body,
    ):
        status = get(server.port, timeout=ANSWERED_WITHIN)
        refused = read_until_closed(body.connections[0], timeout=ANSWERED_WITHIN)

    assert status == b"HTTP/1.1 200 OK"
    head, _, body = refused.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert json.loads(body)["code"] == "incomplete_body"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with gunicorn(tmp_path_factory.mktemp("gunicorn")) as server:
        yield server


def test_kept_alive_and_pipelined_requests_are_answered(site):
    # Two requests in one packet, the second cut in the middle of its head, then a third.
    request = b"GET /static/css/app.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    last = request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")

    with socket.create_connection(("127.0.0.1", site.port), timeout=10) as connection:
        connection.sendall(request + request[:20])
        # A pause, not a wait for something: the rest must arrive apart, after the first
        # request was answered, while the second waits for the rest of its head.
        time.sleep(0.5)
        connection.sendall(request[20:] + last)
        answer = read_until_closed(connection, timeout=ANSWERED_WITHIN)

    assert answer.count(b"HTTP/1.1 200 OK") == 3


HUNDRED_MB = 100 * 1024 * 1024
CSRF = "a" * 32  # a well-formed CSRF secret: cookie and form agree, so the check reads the form


def _oversized_upload(path: str) -> bytes:
    """The head and first part of a multipart form declaring 100 MB; the rest never comes."""
    boundary = "cocreate-boundary"
    start = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{CSRF}\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="images"; filename="big.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + b"\x89PNG\r\n\x1a\n"
        + b"\x00" * 1024
    )
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: csrftoken={CSRF}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {HUNDRED_MB}\r\nAccept-Language: zh-hans\r\n\r\n"
    ).encode()
    return head + start


def test_an_oversized_upload_is_refused_before_its_body_arrives(site):
    answer = http_request(
        site.port, _oversized_upload("/community/aurora/new/"), timeout=ANSWERED_WITHIN
    )

    head, _, page = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert "您发送的内容过大。" in page.decode()
    # Nothing of it was spooled to disk (Django would have, from the file part on).
    assert list(site.tmpdir.iterdir()) == []


def test_an_oversized_api_call_is_refused_in_the_apis_shape(site):
    answer = http_request(site.port, _oversized_upload("/api/v1/posts/"), timeout=ANSWERED_WITHIN)

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body)["code"] == "too_large"


def test_a_chunked_body_is_refused_for_want_of_a_length(site):
    # Django reads a body without Content-Length as empty; it is refused instead of ignored.
    raw = (
        b"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    )

    answer = http_request(site.port, raw, timeout=ANSWERED_WITHIN)

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 411")
    assert json.loads(body)["code"] == "length_required"


def test_an_overlong_api_address_gets_the_apis_json_414(site):
    # Longer than gunicorn's default request line (4094 bytes), within the shipped one: the app's
    # own limit (MAX_URL_LENGTH) answers, in the API's shape rather than gunicorn's HTML.
    raw = (
        f"GET /api/v1/posts/?q={'a' * 5000} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Connection: close\r\n\r\n"
    ).encode()

    answer = http_request(site.port, raw, timeout=ANSWERED_WITHIN)

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414")
    assert json.loads(body)["code"] == "uri_too_long"
