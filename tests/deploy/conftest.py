"""Real servers for the deployment's tests: gunicorn with the repository's gunicorn.conf.py and
nginx with deploy/nginx.conf, on free loopback ports, stopped when the test ends.

gunicorn serves the site in DEBUG mode with this process's DATABASE_URL and REDIS_URL; the tests
ask only for what needs neither (a static file, refusals that come before any query).
"""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path

import pytest

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
STATIC_PATH = "/static/css/app.css"
START_TIMEOUT = 60  # seconds: generous, the machine may be busy


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_request(port: int, raw: bytes, *, timeout: float) -> bytes:
    """Send `raw`, return the response: up to its Content-Length, or until the server closes,
    whichever comes first, within `timeout` seconds."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(raw)
        return read_until_closed(connection, timeout=timeout, one_response=True)


def _complete(answer: bytes) -> bool:
    head, separator, body = answer.partition(b"\r\n\r\n")
    if not separator:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False


def read_until_closed(connection, *, timeout: float, one_response: bool = False) -> bytes:
    """What the server sends until it closes the connection (or, with `one_response`, until a
    response is complete); TimeoutError if it does neither within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    answer = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no end to the answer after {timeout} s: {answer[:80]!r}")
        connection.settimeout(remaining)
        try:
            data = connection.recv(65536)
        except ConnectionResetError:
            return answer
        if not data:
            return answer
        answer += data
        if one_response and _complete(answer):
            return answer


def get(port: int, path: str = STATIC_PATH, *, timeout: float = 10) -> bytes:
    """The status line of a GET; TimeoutError when nothing answers within `timeout` seconds."""
    raw = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    return http_request(port, raw, timeout=timeout).split(b"\r\n", 1)[0]


@dataclass
class Server:
    port: int
    log: Path
    tmpdir: Path


def _wait_until_serving(port, process, log):
    def serving() -> bool:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            get(port, timeout=2)
        except OSError:
            return False
        return True

    wait_until(
        serving,
        timeout=START_TIMEOUT,
        interval=0.2,
        message=lambda: f"the server to answer; its log:\n{log.read_text()}",
    )


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


@contextmanager
def gunicorn(directory: Path, *, cmd_args: str = "", **env: str):
    """gunicorn as the Dockerfile starts it (its configuration from gunicorn.conf.py), with
    `env` and GUNICORN_CMD_ARGS on top, its temporary files under `directory`."""
    port = free_port()
    tmpdir = directory / f"tmp-{port}"
    tmpdir.mkdir(parents=True)
    log = directory / f"gunicorn-{port}.log"
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ = {
        **inherited,
        "DEBUG": "true",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        # The control socket's default path is one per user: concurrent servers would share it.
        "GUNICORN_CMD_ARGS": f"--no-control-socket {cmd_args}",
        "TMPDIR": str(tmpdir),  # where Django would spool uploads
        **env,
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(GUNICORN)], cwd=ROOT, env=environ, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_serving(port, process, log)
        yield Server(port=port, log=log, tmpdir=tmpdir)
    finally:
        _stop(process)


def nginx_executable() -> str:
    executable = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/sbin/nginx") if Path(path).exists()), None
    )
    if executable is None:
        pytest.fail("nginx is not installed: run `make nginx` (apt-get install nginx-light).")
    return executable


def nginx_config(directory: Path, *, port: int, upstream_port: int, media_root: Path) -> Path:
    """deploy/nginx.conf inside a main configuration of its own: listening on `port`, proxying
    to gunicorn on `upstream_port`, serving `media_root`, every file under `directory`."""
    server = NGINX_CONF.read_text()
    for shipped, here in [
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("server web:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("alias /srv/media/;", f"alias {media_root}/;"),
    ]:
        assert server.count(shipped) == 1, f"deploy/nginx.conf no longer says {shipped!r}"
        server = server.replace(shipped, here)
    (directory / "default.conf").write_text(server)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = directory / "nginx.conf"
    main.write_text(
        # As root, nginx's workers would otherwise run as nobody, who cannot read tmp_path.
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""daemon off;
master_process on;
worker_processes 1;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"} info;
events {{
    worker_connections 256;
}}
http {{
    types {{
        text/css css;
        image/png png;
    }}
    access_log {directory / "access.log"};
{temp_paths}
    include {directory / "default.conf"};
}}
"""
    )
    return main


@contextmanager
def nginx(directory: Path, *, upstream_port: int, media_root: Path):
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = nginx_config(directory, port=port, upstream_port=upstream_port, media_root=media_root)
    log = directory / "error.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [nginx_executable(), "-p", str(directory), "-e", str(log), "-c", str(config)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )

    def listening() -> bool:
        if process.poll() is not None:
            pytest.fail(f"nginx exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
        return True

    try:
        wait_until(
            listening,
            timeout=START_TIMEOUT,
            message=lambda: f"nginx to listen on port {port}; its log:\n{log.read_text()}",
        )
        yield Server(port=port, log=log, tmpdir=directory / "client_body")
    finally:
        _stop(process)


class SlowClients:
    """`count` connections that open with `opening`, then send one more byte of `drip` a second
    for at most `seconds` seconds, never finishing their request."""

    def __init__(self, port, count, *, opening, drip=b"X-Slow: 1\r\n", seconds=30):
        self.port, self.count, self.opening, self.seconds = port, count, opening, seconds
        self.drip = cycle(drip)
        self.connections = []
        self.failed = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self):
        for _ in range(self.count):
            connection = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            connection.sendall(self.opening)
            self.connections.append(connection)
        self._thread.start()
        return self

    def _trickle(self):
        for _ in range(self.seconds):
            if self._stop.wait(1):
                return
            byte = bytes([next(self.drip)])
            for connection in self.connections:
                if connection in self.failed:
                    continue
                try:
                    connection.sendall(byte)
                except OSError:
                    self.failed.add(connection)

    def still_sending(self) -> int:
        return self.count - len(self.failed)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        for connection in self.connections:
            connection.close()


def slow_heads(port, count, **kwargs) -> SlowClients:
    """Slowloris: a request head sent a byte a second."""
    return SlowClients(port, count, opening=b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", **kwargs)


def slow_bodies(port, count, *, path, length=1000, **kwargs) -> SlowClients:
    """A complete head, then a body of `length` bytes sent a byte a second."""
    opening = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()
    return SlowClients(port, count, opening=opening, drip=b" ", **kwargs)
