"""deploy/nginx.conf run by this machine's nginx (`make nginx` installs it), in front of gunicorn
or of a port where nothing listens, which shows that nginx answered by itself (else: 502)."""

import re
import subprocess

from django.conf import settings

from tests.deploy.conftest import (
    NGINX_CONF,
    free_port,
    get,
    gunicorn,
    http_request,
    nginx,
    nginx_config,
    nginx_executable,
    slow_bodies,
    slow_heads,
)

ANSWERED_WITHIN = 10  # seconds: a generous bound for "answered, not hung"
HUNDRED_MB = 100 * 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_shipped_configuration_is_valid(tmp_path):
    config = nginx_config(
        tmp_path, port=free_port(), upstream_port=free_port(), media_root=tmp_path
    )

    result = subprocess.run(
        [
            nginx_executable(),
            "-t",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "t.log"),
            "-c",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "test is successful" in result.stderr


def test_the_body_limit_is_the_apps():
    limit = re.search(r"^\s*client_max_body_size (\d+)m;", NGINX_CONF.read_text(), re.MULTILINE)

    assert int(limit.group(1)) * 1024 * 1024 == settings.MAX_REQUEST_BYTES


def test_an_oversized_body_is_refused_before_it_is_read(tmp_path):
    raw = (
        (
            "POST /community/aurora/new/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\n"
            f"Content-Length: {HUNDRED_MB}\r\n\r\n"
        ).encode()
        + b"--b\r\n"
        + b"\x00" * 4096
    )

    with nginx(tmp_path / "nginx", upstream_port=free_port(), media_root=tmp_path) as proxy:
        answer = http_request(proxy.port, raw, timeout=ANSWERED_WITHIN)
        spooled = list(proxy.tmpdir.rglob("*"))

    assert answer.startswith(b"HTTP/1.1 413")
    assert [path for path in spooled if path.is_file()] == []


def test_slow_clients_wait_in_nginx_not_in_gunicorn(tmp_path):
    # Behind nginx even the old setup's sync worker, alone, is not pinned by slow clients.
    with (
        gunicorn(tmp_path, cmd_args="--worker-class sync --workers 1 --threads 1") as site,
        nginx(tmp_path / "nginx", upstream_port=site.port, media_root=tmp_path) as proxy,
        slow_heads(proxy.port, 10) as heads,
        slow_bodies(proxy.port, 2, path="/api/v1/auth/token/") as bodies,
    ):
        status = get(proxy.port, timeout=ANSWERED_WITHIN)

        assert status == b"HTTP/1.1 200 OK"
        assert heads.still_sending() + bodies.still_sending() == 12
    assert "/api/v1/auth/token/" not in site.log.read_text()  # never reached gunicorn


def test_a_chunked_body_reaches_the_app_with_its_length(tmp_path):
    # Directly, gunicorn would pass it on without a length, and the app refuse it (411).
    csrf = "a" * 32
    form = f"csrfmiddlewaretoken={csrf}&language=zh-hans&next=/".encode()
    raw = (
        (
            f"POST /i18n/setlang/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: csrftoken={csrf}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        + f"{len(form):x}\r\n".encode()
        + form
        + b"\r\n0\r\n\r\n"
    )

    with (
        gunicorn(tmp_path) as site,
        nginx(tmp_path / "nginx", upstream_port=site.port, media_root=tmp_path) as proxy,
    ):
        answer = http_request(proxy.port, raw, timeout=ANSWERED_WITHIN)

    assert answer.startswith(b"HTTP/1.1 302")
    assert b"django_language=zh-hans" in answer


def test_uploads_are_served_by_nginx_with_the_apps_headers(tmp_path):
    media = tmp_path / "media"
    (media / "partners" / "logos").mkdir(parents=True)
    (media / "partners" / "logos" / "acme.png").write_bytes(PNG)
    raw = b"GET /media/partners/logos/acme.png HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    with nginx(tmp_path / "nginx", upstream_port=free_port(), media_root=media) as proxy:
        answer = http_request(proxy.port, raw, timeout=ANSWERED_WITHIN)

    head, _, body = answer.partition(b"\r\n\r\n")
    headers = head.decode().lower()
    assert head.startswith(b"HTTP/1.1 200")
    assert body == PNG
    assert "content-type: image/png" in headers
    assert "cache-control: public, max-age=86400" in headers
    assert "sandbox" in headers and "x-content-type-options: nosniff" in headers
