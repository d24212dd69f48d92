"""Rehearsal of a scaled-out deployment on one machine: faults in the middle, every check printed.

    .venv/bin/python bench/rehearsal.py            # a few minutes of traffic on more data
    .venv/bin/python bench/rehearsal.py --short    # about a minute on small data (CI runs this)

It starts, each as its own processes on loopback ports and under a temporary directory: a
PostgreSQL primary and a streaming replica made from it with pg_basebackup (Debian's server
binaries, /usr/lib/postgresql/<version>/bin), a Redis server, two web nodes (gunicorn with the
repository's gunicorn.conf.py) reading from the replica and writing to the primary, HAProxy in
front of them with deploy/haproxy.cfg, two Celery workers on different queues, one beat, an
SMTP sink that records every e-mail, and an S3-compatible store (moto's server, as the suite's
tests/objectstore.py starts it) with a public and a private bucket, the same STORAGE_S3_*
settings for every node and worker. It migrates and loads scale data into the primary.

Client processes then send mixed traffic through HAProxy for --seconds: anonymous and
signed-in readers, voters, comment writers (each comment notifies the post's author), customers
filing tickets through the form with a small file attached, and agents replying. Each writer
reads its write back at once, through HAProxy (so maybe from the other node and from the
replica) and must see it: read-your-writes. A customer also downloads the attached file,
through HAProxy, from whichever node answers, and must get the bytes sent.
In the middle, one web node is killed with SIGKILL (HAProxy's health check takes it out; it is
started again later) and so is the e-mail worker (its unacknowledged tasks are delivered again
once the broker's visibility timeout, short here, has passed; a new worker is started). Then the
replica is stopped for a while: the web nodes read from the primary meanwhile, and the replica
catches up by streaming once it is started again.

After the traffic it waits for the queues to drain, stops everything (also on failure) and
prints, exiting non-zero when a check fails:
- requests failed: only those in flight on the killed node at the kill may fail;
- e-mails due against received: none lost, none twice;
- `check_consistency`: every counter equals its rows;
- reads served by the replica: its share of the SELECT statements run on the site's database,
  from pg_stat_statements on each server (reset when the traffic starts);
- read-your-writes violations: none;
- files: uploaded, read back from any node with the bytes sent (how many from the node that
  did not take the upload: HAProxy names the answering node), mismatched or not found: none;
  and an anonymous, unsigned GET of a private object from the store itself is refused (403);
- replica lag: the primary's pg_stat_replication replay_lag and the bytes of WAL the replica had
  not replayed, sampled twice a second: max and p95.
"""

import argparse
import contextlib
import csv
import http.client
import io
import json
import logging
import multiprocessing
import os
import pwd
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.soak import (  # noqa: E402
    Browser,
    RedisServer,
    SmtpSink,
    consistency,
    drain,
    free_port,
    kill_group,
    percentile,
    site_environment,
    start_celery,
    start_gunicorn,
    stop,
    wait_for,
)
from bench.soak import prepare as soak_prepare  # noqa: E402
from tests.objectstore import running_object_store  # noqa: E402

HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
DATABASE = "cocreate"
# The two workers: each queue is consumed by exactly one of them (interfaces of issue 24).
WORKER_QUEUES = {"worker-a": "default,surfacing", "worker-b": "email,webhooks"}
KILLED_WORKER = "worker-b"  # the e-mail worker: its tasks in flight are e-mails due
KILLED_NODE, SURVIVING_NODE = "web1", "web2"
ACTIONS = {  # action: weight in the mix
    "anonymous feed": 20,
    "signed-in feed": 10,
    "post page": 10,
    "posts (API)": 5,
    "notifications (API)": 5,
    "vote": 15,
    "comment": 10,
    "ticket": 5,
    "agent reply": 10,
}
FULL = {"seconds": 240, "clients": 4, "users": 3000, "posts": 10000, "votes": 100000,
        "tickets": 3000}  # fmt: skip
# Customers filing tickets: the form takes 10 an hour from each (TICKET_CREATE_RATE), and the
# full run files about 320 at random: 200 keep each well under the limit.
CUSTOMERS = 200
SHORT = {"seconds": 60, "clients": 3, "users": 300, "posts": 1000, "votes": 5000, "tickets": 300}


# --- PostgreSQL: a primary and a streaming replica -----------------------------------------------


def postgres_bindir() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"),
        key=lambda path: int(path.parent.parent.name),
    )
    if not found:
        raise SystemExit(
            "PostgreSQL's server binaries are not installed (apt-get install postgresql)."
        )
    return found[-1].parent


class Postgres:
    """One PostgreSQL server under `directory`: initdb'd as a primary, or a pg_basebackup
    of one. PostgreSQL refuses to run as root: then it runs as the `postgres` account."""

    def __init__(self, directory: Path, name: str):
        self.bindir = postgres_bindir()
        self.data = directory / name
        self.log = directory / f"{name}.log"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        self.started = False

    def _run(self, *command: str) -> None:
        result = subprocess.run(
            [str(self.bindir / command[0]), *command[1:]],
            user=self.user, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if result.returncode:
            raise SystemExit(f"{command[0]} failed:\n{result.stdout}{result.stderr}")

    def init_primary(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"""
listen_addresses = '127.0.0.1'
port = {self.port}
unix_socket_directories = ''
max_connections = 200
wal_level = replica
# The WAL a stopped replica needs when it starts again is kept meanwhile.
wal_keep_size = '1GB'
max_wal_senders = 4
hot_standby = on
# Replica reads are not cancelled by the primary's vacuum.
hot_standby_feedback = on
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
# Not a durability test: no fsync, so loading the scale data is quick.
fsync = off
"""
            )
        with (self.data / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")

    def init_replica(self, primary: "Postgres") -> None:
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                  "-D", str(self.data), "-R", "-X", "stream", "-c", "fast")  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {self.port}\n")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "120", "start")
        self.started = True

    def stop(self) -> None:
        if self.started:
            with contextlib.suppress(SystemExit):
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.started = False

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def query(self, sql: str, database: str = "postgres") -> list[tuple]:
        import psycopg2

        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, connect_timeout=5
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()


def own_directory(directory: Path) -> Path:
    """`directory`, made and owned by the account PostgreSQL runs as."""
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(directory, account.pw_uid, account.pw_gid)
    return directory


# --- HAProxy -------------------------------------------------------------------------------------


def haproxy_executable() -> str:
    executable = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)  # fmt: skip
    if executable is None:
        raise SystemExit("HAProxy is not installed: run `make haproxy` (apt-get install haproxy).")
    return executable


def haproxy_config(directory: Path, *, port: int, stats_port: int, nodes: list[int]) -> Path:
    """deploy/haproxy.cfg on loopback ports, plus a statistics page the rehearsal polls and the
    answering node's name in each answer (X-Served-By)."""
    config = HAPROXY_CFG.read_text()
    for shipped, here in [
        ("global\n", "global\n    log stdout format raw local0\n"),  # -> haproxy.log
        ("defaults\n", "defaults\n    log global\n"),
        ("bind :80", f"bind 127.0.0.1:{port}"),
        ("hdr Host localhost", "hdr Host 127.0.0.1"),
        # Which node answered: the file checks count downloads served by the other node.
        ("\nbackend web\n", "\nbackend web\n    http-response set-header X-Served-By %s\n"),
        ("server web1 web1:8000", f"server web1 127.0.0.1:{nodes[0]}"),
        ("server web2 web2:8000", f"server web2 127.0.0.1:{nodes[1]}"),
    ]:
        if config.count(shipped) != 1:
            raise SystemExit(f"deploy/haproxy.cfg no longer says {shipped!r}")
        config = config.replace(shipped, here)
    config += f"""
frontend stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
"""
    path = directory / "haproxy.cfg"
    path.write_text(config)
    return path


def start_haproxy(config: Path, port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [haproxy_executable(), "-db", "-f", str(config)],
        stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    wait_for(lambda: _get_status(port, "/healthz") == 200, 60, "haproxy")
    return process


HTTPLOG = re.compile(r" web/(\S+) -?\d+/-?\d+/-?\d+/-?\d+/-?\d+ (\d{3}) ")


def server_errors(log: Path) -> dict[str, int]:
    """5xx answers by web node, from HAProxy's request log (option httplog)."""
    counts = {}
    for line in log.read_text(errors="replace").splitlines():
        found = HTTPLOG.search(line)
        if found and found.group(2).startswith("5"):
            counts[found.group(1)] = counts.get(found.group(1), 0) + 1
    return counts


def _get_status(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def backend_states(stats_port: int) -> dict[str, str]:
    """Each web node's state in HAProxy's eyes: UP, DOWN, or a transition (UP 1/2, ...)."""
    conn = http.client.HTTPConnection("127.0.0.1", stats_port, timeout=2)
    try:
        conn.request("GET", "/stats;csv")
        rows = csv.DictReader(io.StringIO(conn.getresponse().read().decode().lstrip("# ")))
        return {row["svname"]: row["status"] for row in rows if row["pxname"] == "web"}
    finally:
        conn.close()


# --- Traffic -------------------------------------------------------------------------------------


def _numbers(data) -> set:
    return {row.get("number") for row in (data or {}).get("results", [])}


def _ids(data) -> set:
    return {row.get("id") for row in (data or {}).get("results", [])}


def _write_then_read(port, rng, data, action):
    """What `action` writes, and how to read it back: (browser, (method, url, body), read url or
    a function of the write's answer, a function telling whether the read shows the write).
    The read-backs are the reads a replica may serve: the post page, the API's ticket list; an
    agent's reply is read back from the conversation (a primary read)."""
    if action == "vote":
        vote = next(data["votes"], None)
        if vote is None:
            return None
        session, post_id = vote
        browser = Browser(port, session)
        mark = re.compile(rf'<form class="vote vote-on"[^>]*data-testid="vote-{post_id}"')
        return (
            browser,
            ("POST", f"/api/v1/posts/{post_id}/vote/", None),
            data["post_pages"][post_id],
            lambda written, page: bool(mark.search(page or "")),
        )
    if action == "comment":
        session, post_id = rng.choice(data["comment_targets"])
        browser = data["browsers"].setdefault(session, Browser(port, session))
        text = f"Rehearsal comment {secrets.token_hex(4)}"
        return (
            browser,
            ("POST", f"/api/v1/posts/{post_id}/comments/", {"body": f"{text}: works for me."}),
            data["post_pages"][post_id] + "?page=last",
            lambda written, page: text in (page or ""),
        )
    session = rng.choice(data["agent_sessions"])  # an agent's reply
    browser = data["browsers"].setdefault(session, Browser(port, session))
    number = rng.choice(data["tickets"])
    body = {"body": f"Rehearsal reply {secrets.token_hex(4)}: please try the latest firmware."}
    return (
        browser,
        ("POST", f"/api/v1/tickets/{number}/messages/", body),
        f"/api/v1/tickets/{number}/messages/?page=last&page_size=100",
        lambda written, listed: written.get("id") in _ids(listed),
    )


TICKET_PAGE = re.compile(r"/support/tickets/(T-\d+)/$")
ATTACHMENT_LINK = re.compile(r'href="([^"]*/support/tickets/T-\d+/attachments/\d+/)"')


def _ticket_with_file(port, rng, data, log, misses, files, started):
    """A customer files a ticket through the form with a small text file attached (a few kB,
    its own bytes), then, as a browser would, reads the ticket back: the API's list shows it
    (read-your-writes), the ticket page links the file, and the file downloaded through HAProxy,
    from whichever node answers, has the bytes sent. `files` gets, for each ticket filed,
    (seconds, outcome, node that took the upload, node that served the download); the outcome is
    "equal", "different", the download's status when not 200, or "not downloaded" when a request
    on the way failed (no answer or 5xx: counted as a failed request)."""
    session = rng.choice(data["customer_sessions"])
    browser = data["browsers"].setdefault(session, Browser(port, session))
    token = secrets.token_hex(4)
    content = f"Rehearsal log {token}\n".encode() + b"".join(
        f"{line:04d} {secrets.token_hex(24)}\n".encode() for line in range(rng.randint(40, 80))
    )
    fields = {
        "product": rng.choice(data["product_ids"]),
        "category": rng.choice(data["categories"]),
        "subject": f"Rehearsal ticket {token}",
        "description": "The charger stopped working after the last update; its log is attached.",
    }
    upload = {"attachments": (f"charger-{token}.txt", content)}
    status, _page = _timed(log, "ticket", browser, "POST", "/support/tickets/new/", fields,
                           files=upload)  # fmt: skip
    location = browser.headers.get("Location", "") if status == 302 else ""
    page = TICKET_PAGE.search(location)
    if page is None:
        return
    uploaded_by = browser.headers.get("X-Served-By", "")
    number = page.group(1)
    status, listed = _timed(log, "ticket: read back", browser, "GET", "/api/v1/tickets/")
    if 200 <= status < 500 and number not in _numbers(listed):
        misses.append((time.time() - started, "ticket", number, "/api/v1/tickets/", status))
    status, shown = _timed(log, "ticket: page", browser, "GET", location)
    link = ATTACHMENT_LINK.search(shown or "") if status == 200 else None
    if 200 <= status < 500 and link is None:
        misses.append((time.time() - started, "ticket", number, location, status))
    outcome, served_by = "not downloaded", ""
    if link is not None:
        status, read = _timed(
            log, "ticket: file read back", browser, "GET", link.group(1), raw=True
        )
        if 0 < status < 500:
            outcome = status if status != 200 else "equal" if read == content else "different"
            served_by = browser.headers.get("X-Served-By", "")
    files.append((time.time() - started, outcome, uploaded_by, served_by))


def _timed(log, action, browser, method, url, body=None, **options):
    start = time.time()
    try:
        status, data = browser.request(method, url, body, **options)
    except (OSError, http.client.HTTPException, ValueError):
        status, data = 0, None
    log.append((start, time.time(), action, status))
    return status, data


def _client(number, port, data, seconds, started, results):
    """One client: weighted random actions back to back until the run ends. Puts its log of
    (start, end, action, status), status 0 for no answer, its read-your-writes misses and its
    files read back."""
    rng = random.Random(number)
    data = data | {"votes": iter(data["votes"]), "browsers": {}}
    log, misses, files = [], [], []
    try:
        _actions(rng, port, data, seconds, started, log, misses, files)
    finally:  # a client that failed still reports what it saw; the report shows the error
        results.put((log, misses, files))


def _actions(rng, port, data, seconds, started, log, misses, files):
    names, weights = list(ACTIONS), list(ACTIONS.values())
    anonymous = Browser(port)
    reader = Browser(port, data["reader_session"])
    while time.time() - started < seconds:
        action = rng.choices(names, weights)[0]
        if action == "anonymous feed":
            _timed(log, action, anonymous, "GET", data["feed"])
        elif action == "signed-in feed":
            _timed(log, action, reader, "GET", data["feed"])
        elif action == "post page":
            _timed(log, action, anonymous, "GET", rng.choice(data["post_urls"]))
        elif action == "posts (API)":
            _timed(log, action, anonymous, "GET", data["posts_api"])
        elif action == "notifications (API)":
            _timed(log, action, reader, "GET", "/api/v1/notifications/")
        elif action == "ticket":
            _ticket_with_file(port, rng, data, log, misses, files, started)
        else:
            planned = _write_then_read(port, rng, data, action)
            if planned is None:
                continue
            browser, (method, url, body), read, sees = planned
            status, written = _timed(log, action, browser, method, url, body)
            if status not in (200, 201) or not isinstance(written, dict):
                continue
            status, read_back = _timed(log, f"{action}: read back", browser, "GET", read)
            if 200 <= status < 500 and not sees(written, read_back):
                misses.append((time.time() - started, action, url, read, status))


# --- Measurements --------------------------------------------------------------------------------


class Monitor(threading.Thread):
    """Twice a second: HAProxy's view of each web node, and the replica's lag."""

    def __init__(self, primary: Postgres, stats_port: int, started: float):
        super().__init__(daemon=True)
        self.primary, self.stats_port, self.started = primary, stats_port, started
        self.transitions = []  # (seconds, node, state)
        self.lag_seconds, self.lag_bytes = [], []
        self.errors = 0
        self.done = threading.Event()

    def run(self):
        states = {}
        while not self.done.wait(0.5):
            now = time.time() - self.started
            try:
                for node, state in backend_states(self.stats_port).items():
                    if states.get(node) != state:
                        states[node] = state
                        self.transitions.append((now, node, state))
                rows = self.primary.query(
                    "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn),"
                    " coalesce(extract(epoch FROM replay_lag), 0) FROM pg_stat_replication"
                )
            except Exception:  # a missed sample is counted, not fatal
                self.errors += 1
                continue
            for behind, lag in rows:
                self.lag_bytes.append(float(behind or 0))
                self.lag_seconds.append(float(lag))

    def down_at(self, node: str, after: float) -> float | None:
        return next(
            (at for at, name, state in self.transitions
             if name == node and at >= after and state.startswith("DOWN")),
            None,
        )  # fmt: skip


SELECTS = """
    SELECT coalesce(sum(calls), 0), coalesce(sum(rows), 0) FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '{db}')
      AND query ~* '^\\s*(select|with)\\M'
"""


def select_counts(server: Postgres) -> tuple[int, int]:
    calls, rows = server.query(SELECTS.format(db=DATABASE))[0]
    return int(calls), int(rows)


def unacked_tasks(redis_url: str, queue: str = "") -> int:
    """Messages delivered to a worker and not yet acknowledged (kombu's Redis transport keeps
    each as [message, exchange, routing key]), of `queue` or of every queue."""
    import redis

    unacked = redis.Redis.from_url(redis_url).hvals("unacked")
    return sum(1 for raw in unacked if not queue or json.loads(raw)[2] == queue)


# --- The run -------------------------------------------------------------------------------------


def prepare(clients: int, per_client: int) -> dict:
    """The soak's data (feed, posts, votes, comments, agents, open tickets), plus customers who
    file tickets, and the products (the form's: on sale or discontinued) and categories they
    file them under. Enough customers that none reaches the form's limit of tickets an hour."""
    from bench.load import session_cookie
    from cocreate.accounts.models import User
    from community.models import Post
    from products.models import Product
    from service_desk.models import Category

    data = soak_prepare(clients, per_client)
    customers = (
        User.objects.filter(username__startswith="user", is_active=True)
        .exclude(email="")
        .order_by("-pk")[:CUSTOMERS]
    )
    data["customer_sessions"] = [session_cookie(user) for user in customers]
    data["product_ids"] = list(
        Product.objects.filter(status__in=[Product.Status.ON_SALE, Product.Status.DISCONTINUED])
        .order_by("pk")
        .values_list("pk", flat=True)[:20]
    )
    data["categories"] = list(Category.values)
    data["posts_api"] = f"/api/v1/posts/?product={data['feed'].strip('/').split('/')[-1]}"
    written = {post_id for _session, post_id in data["votes"] + data["comment_targets"]}
    data["post_pages"] = {
        post.pk: post.get_absolute_url()
        for post in Post.objects.filter(pk__in=written).select_related("product")
    }
    return data


class Site:
    """Every process of the rehearsal, stopped in reverse order of their start."""

    def __init__(self, args, workdir: Path):
        self.args, self.workdir = args, workdir
        self.stack = contextlib.ExitStack()
        self.nodes, self.workers = {}, {}
        self.node_ports = {}
        self.node_killed = (0.0, 0.0)  # seconds into the run: SIGKILL sent, node dead
        self.feed = "/"

    def start_node(self, name: str) -> None:
        env = self.env | {"GUNICORN_CMD_ARGS": "--no-control-socket"}
        self.nodes[name] = start_gunicorn(
            self.node_ports[name], env, self.args.logs / f"{name}.log"
        )
        warm_up(self.node_ports[name], ["/healthz", self.feed])

    def start_worker(self, name: str) -> None:
        self.workers[name] = start_celery(
            self.env, self.args.logs / f"{name}.log", "worker", "-n", f"{name}@%h",
            "-Q", WORKER_QUEUES[name], "--concurrency", "2",
        )  # fmt: skip

    def stop_all(self) -> None:
        for process in self.nodes.values():
            stop(process, group=True)
        for process in self.workers.values():
            stop(process, group=True)
        self.stack.close()


def faults(site: Site, started: float, events: list, redis_url: str) -> None:
    args = site.args
    plan = sorted(
        [
            (args.seconds * args.kill_node_at, "kill node"),
            (args.seconds * args.restart_node_at, "restart node"),
            (args.seconds * args.kill_worker_at, "kill worker"),
            (args.seconds * args.stop_replica_at, "stop replica"),
            (args.seconds * args.start_replica_at, "start replica"),
        ]
    )
    for at, what in plan:
        time.sleep(max(0, started + at - time.time()))
        if what == "kill node":
            signalled = time.time() - started
            kill_group(site.nodes[KILLED_NODE])
            refused(site.node_ports[KILLED_NODE])
            site.node_killed = (signalled, time.time() - started)
            events.append((signalled, f"{KILLED_NODE} killed (SIGKILL)"))
        elif what == "restart node":
            site.start_node(KILLED_NODE)
            events.append((time.time() - started, f"{KILLED_NODE} started again"))
        elif what == "stop replica":
            events.append((time.time() - started, "replica stopped"))
            site.replica.stop()
        elif what == "start replica":
            site.replica.start()
            events.append((time.time() - started, "replica started again"))
        else:
            # Killed while it holds e-mails unacknowledged (a few seconds' wait at most).
            deadline = time.monotonic() + 10
            while not unacked_tasks(redis_url, "email") and time.monotonic() < deadline:
                time.sleep(0.02)
            in_flight = unacked_tasks(redis_url, "email")
            kill_group(site.workers[KILLED_WORKER])
            events.append(
                (time.time() - started,
                 f"{KILLED_WORKER} killed (SIGKILL) holding {in_flight} e-mail task(s) unacknowledged")
            )  # fmt: skip
            time.sleep(2)
            site.start_worker(KILLED_WORKER)
            events.append((time.time() - started, f"{KILLED_WORKER} started again"))


def refused(port: int) -> None:
    """Return once `port` refuses connections: every process holding the node's listening
    socket is gone, so nothing more is accepted by the node (its kernel included)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except ConnectionRefusedError:
            return
        except OSError:
            pass
        time.sleep(0.005)


def warm_up(port: int, paths: list[str]) -> None:
    """A few requests to each of a new node's workers, so that HAProxy's first health checks
    do not wait for Django's first-request imports."""
    for _ in range(6):
        for path in paths:
            with contextlib.suppress(OSError, http.client.HTTPException):
                _get_status(port, path)


def failure(row) -> bool:
    return row[3] == 0 or row[3] >= 500


def report(args, results) -> bool:
    r = results
    log, (kill_at, dead_at), down_at = r["log"], r["node_killed"], r["down_at"]
    print()
    print(
        f"{args.clients} clients for {args.seconds:g} s through HAProxy; {len(log)} requests "
        f"({len(log) / args.seconds:.0f}/s)"
    )
    print("events: " + "; ".join(f"{at:.1f} s {what}" for at, what in r["events"]))
    print(
        "HAProxy: "
        + "; ".join(f"{at:.1f} s {node} {state}" for at, node, state in r["transitions"])
    )
    print()
    print("| action | requests | failed (no answer / 5xx) | p50 ms | p95 ms | statuses |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for action in sorted({row[2] for row in log}, key=lambda a: (a.split(":")[0], a)):
        rows = [row for row in log if row[2] == action]
        statuses = {}
        for row in rows:
            statuses[row[3]] = statuses.get(row[3], 0) + 1
        latencies = [(row[1] - row[0]) * 1000 for row in rows]
        shown = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
        print(
            f"| {action} | {len(rows)} | {sum(1 for row in rows if failure(row))} | "
            f"{percentile(latencies, 50):.0f} | {percentile(latencies, 95):.0f} | {shown} |"
        )
    print()
    failed = [row for row in log if failure(row)]
    # In flight on the killed node: sent before its last process was dead, answered (or not)
    # after the SIGKILL was sent. Any other failure fails the rehearsal.
    in_flight = [
        row for row in failed
        if row[0] - r["started"] < dead_at and row[1] - r["started"] > kill_at
    ]  # fmt: skip
    other = [row for row in failed if row not in in_flight]
    after_down = [row for row in failed if down_at is not None and row[0] - r["started"] >= down_at]
    down = f"{down_at:.1f} s ({down_at - kill_at:.1f} s after the kill)" if down_at else "never"
    print(
        f"requests failed: {len(failed)}; in flight at the kill ({kill_at:.2f}-{dead_at:.2f} s): "
        f"{len(in_flight)} (allowed); any other: {len(other)} (must be 0)"
    )
    for row in other[:10]:
        print(f"  {row[0] - r['started']:.2f}-{row[1] - r['started']:.2f} s {row[2]}: {row[3]}")
    answered = r["answered_by"]
    print(
        "5xx answered through HAProxy, by node (its log): "
        + ", ".join(f"{node} {n}" for node, n in sorted(answered.items()))
        + f"; by {SURVIVING_NODE}: {answered.get(SURVIVING_NODE, 0)} (must be 0)"
    )
    print(
        f"HAProxy marked {KILLED_NODE} DOWN at {down}; requests failed that started after that: "
        f"{len(after_down)} (must be 0)"
    )
    due, received = r["due"], r["received"]
    ids = [row["message_id"] for row in received]
    unique = set(ids)
    lost, twice = set(due) - unique, len(ids) - len(unique)
    print(
        f"e-mails due {len(due)}, received {len(unique & set(due))}, lost {len(lost)}, "
        f"sent twice {twice}; queues drained {r['drain_seconds']:.0f} s after the traffic; "
        f"unacknowledged tasks left in the broker: {r['unacked_after']}"
    )
    print(f"check_consistency: {r['check']}")
    (p_calls, p_rows), (s_calls, s_rows) = r["primary_selects"], r["replica_selects"]
    share = s_calls / (p_calls + s_calls) if p_calls + s_calls else 0
    row_share = s_rows / (p_rows + s_rows) if p_rows + s_rows else 0
    print(
        f"reads (pg_stat_statements, SELECT statements on the site's database): primary "
        f"{p_calls} ({p_rows} rows), replica {s_calls} ({s_rows} rows): the replica served "
        f"{share:.0%} of the statements and {row_share:.0%} of the rows"
    )
    print(f"read-your-writes violations: {len(r['misses'])} (must be 0)")
    files = r["files"]
    equal = [file for file in files if file[1] == "equal"]
    different = [file for file in files if file[1] == "different"]
    missing = [file for file in files if isinstance(file[1], int)]
    other_node = [file for file in equal if file[2] and file[3] and file[2] != file[3]]
    print(
        f"files: {len(files)} uploaded, {len(equal)} read back from any node ({len(other_node)} "
        f"from the node that did not take the upload), {len(different)} mismatched (must be 0), "
        f"{len(missing)} refused or not found (must be 0), "
        f"{len(files) - len(equal) - len(different) - len(missing)} not downloaded (a request "
        f"on the way failed); objects in the private "
        f"bucket: {r['private_objects']}; anonymous GET of one from the store: "
        f"{r['anonymous_status']} (must be 403)"
    )
    for file in (different + missing)[:10]:
        print(f"  {file[0]:.1f} s {file[1]}: uploaded to {file[2]}, downloaded from {file[3]}")
    for miss in r["misses"][:10]:
        print(f"  {miss[0]:.1f} s {miss[1]}: wrote {miss[2]}, read {miss[3]} -> {miss[4]}")
    lag_s, lag_b = r["lag_seconds"], r["lag_bytes"]
    print(
        f"replica lag over {len(lag_s)} samples: replay_lag max {max(lag_s, default=0) * 1000:.0f}"
        f" ms, p95 {percentile(lag_s, 95) * 1000:.0f} ms; WAL not yet replayed max "
        f"{max(lag_b, default=0) / 1024:.0f} kB, p95 {percentile(lag_b, 95) / 1024:.0f} kB"
    )
    checks = {
        "requests failed other than in flight at the kill": not other,
        "requests failed after the node was taken out": not after_down,
        f"no 5xx from {SURVIVING_NODE}": not answered.get(SURVIVING_NODE),
        "the killed node taken out by HAProxy": down_at is not None,
        "no e-mail lost": not lost,
        "no e-mail twice": not twice,
        "check_consistency clean": "Every denormalised value matches" in r["check"],
        "reads served by the replica": s_calls > 0,
        "read-your-writes held": not r["misses"],
        "files read back from any node, bytes equal": bool(equal) and not different and not missing,
        "private objects refused without a signature": r["anonymous_status"] == 403,
    }
    print()
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    return all(checks.values())


def run(args, workdir: Path, site: Site) -> bool:
    stack = site.stack
    primary = Postgres(own_directory(workdir / "pg"), "primary")
    replica = Postgres(workdir / "pg", "replica")
    primary.init_primary()
    primary.start()
    stack.callback(primary.stop)
    primary.query(f"CREATE DATABASE {DATABASE}")
    primary.query("CREATE EXTENSION pg_stat_statements")
    print(f"PostgreSQL primary on port {primary.port}", flush=True)

    redis = RedisServer(workdir)
    redis.start()
    stack.callback(redis.stop)
    sink = SmtpSink()
    sink.controller.start()
    stack.callback(sink.controller.stop)
    store = stack.enter_context(running_object_store())
    buckets = store.new_buckets()
    print(f"S3 (moto's server) on port {store.port}", flush=True)
    env = site_environment(redis.url, sink.port) | {
        # Every node and worker the same buckets: files every node reads.
        "STORAGE_S3_ENDPOINT_URL": buckets.endpoint_url,
        "STORAGE_S3_PUBLIC_BUCKET": buckets.public_bucket,
        "STORAGE_S3_PRIVATE_BUCKET": buckets.private_bucket,
        "STORAGE_S3_ACCESS_KEY": buckets.access_key,
        "STORAGE_S3_SECRET_KEY": buckets.secret_key,
        "STORAGE_S3_REGION": buckets.region,
        "DATABASE_URL": primary.url(),
        "DATABASE_REPLICA_URLS": replica.url(),
        "SECRET_KEY": "rehearsal-" + secrets.token_hex(25),
        "NUM_PROXIES": "1",
        # Short, so that the killed worker's tasks are delivered again within the run.
        "CELERY_BROKER_VISIBILITY_TIMEOUT": str(args.visibility_timeout),
        # An e-mail claimed by the killed worker is sent by the sweep once this plus a minute
        # has passed since the claim (300 s by default: too long for the run).
        "CELERY_TASK_TIME_LIMIT": "60",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "4",
    }
    site.env = env
    # This process reads and checks the primary only: no replica for it.
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "CACHE_URL",
                                            "DATABASE_URL", "SECRET_KEY")})  # fmt: skip
    os.environ.pop("DATABASE_REPLICA_URLS", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    loading = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command(
        "generate_scale", users=args.users, posts=args.posts, votes=args.votes,
        tickets=args.tickets, stdout=io.StringIO(),
    )  # fmt: skip
    per_client = int(args.seconds * 20 * ACTIONS["vote"] / sum(ACTIONS.values()))
    data = prepare(args.clients, per_client)
    connection.close()
    print(f"migrated and loaded in {time.monotonic() - loading:.0f} s", flush=True)

    replica.init_replica(primary)
    replica.start()
    stack.callback(replica.stop)
    site.replica = replica
    print(f"PostgreSQL replica on port {replica.port} (pg_basebackup -R)", flush=True)

    site.node_ports = {"web1": free_port(), "web2": free_port()}
    site.feed = data["feed"]
    for name in site.node_ports:
        site.start_node(name)
    port, stats_port = free_port(), free_port()
    config = haproxy_config(
        workdir, port=port, stats_port=stats_port, nodes=list(site.node_ports.values())
    )
    haproxy = start_haproxy(config, port, args.logs / "haproxy.log")
    stack.callback(stop, haproxy, group=True)
    for name in WORKER_QUEUES:
        site.start_worker(name)
    beat = start_celery(env, args.logs / "beat.log", "beat", "--schedule",
                        str(workdir / "beat-schedule"))  # fmt: skip
    stack.callback(stop, beat, group=True)
    print(f"HAProxy on port {port} in front of web1 and web2; workers and beat started", flush=True)

    for server in (primary, replica):
        server.query("SELECT pg_stat_statements_reset()")
    since = timezone.now() - timedelta(seconds=1)
    started = time.time()
    monitor = Monitor(primary, stats_port, started)
    monitor.start()
    events = []
    fault_thread = threading.Thread(
        target=faults, args=(site, started, events, redis.url), daemon=True
    )
    fault_thread.start()
    results = multiprocessing.Queue()
    shares = [data | {"votes": data["votes"][i :: args.clients]} for i in range(args.clients)]
    clients = [
        multiprocessing.Process(
            target=_client, args=(i, port, shares[i], args.seconds, started, results)
        )
        for i in range(args.clients)
    ]
    for client in clients:
        client.start()
    outcomes = [results.get(timeout=args.seconds + 120) for _ in clients]
    for client in clients:
        client.join()
    if any(client.exitcode for client in clients):
        raise SystemExit("a client process failed (its traceback is above)")
    fault_thread.join()
    monitor.done.set()
    monitor.join()
    log = [row for rows, _misses, _files in outcomes for row in rows]
    misses = [miss for _rows, found, _files in outcomes for miss in found]
    files = [file for _rows, _misses, read in outcomes for file in read]
    print(f"traffic done: {len(log)} requests; waiting for the queues to drain", flush=True)
    primary_selects, replica_selects = select_counts(primary), select_counts(replica)
    drain_seconds, due, received = drain(sink, since, args.drain)
    check = consistency()
    private = [key for key in store.keys(buckets.private_bucket) if key.startswith("ticket-")]
    anonymous = (
        store.anonymous_get(store.object_url(buckets.private_bucket, private[0]))[0]
        if private else None
    )  # fmt: skip
    return report(
        args,
        {
            "log": log, "misses": misses, "events": events, "started": started,
            "node_killed": site.node_killed,
            "down_at": monitor.down_at(KILLED_NODE, site.node_killed[0]),
            "answered_by": server_errors(args.logs / "haproxy.log"),
            "transitions": monitor.transitions, "due": due, "received": received,
            "drain_seconds": drain_seconds, "unacked_after": unacked_tasks(redis.url),
            "check": check, "primary_selects": primary_selects,
            "replica_selects": replica_selects, "lag_seconds": monitor.lag_seconds,
            "lag_bytes": monitor.lag_bytes, "files": files, "private_objects": len(private),
            "anonymous_status": anonymous,
        },
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="About a minute, small data (CI).")
    parser.add_argument("--seconds", type=float, help="Seconds of traffic.")
    parser.add_argument("--clients", type=int, help="Client processes.")
    parser.add_argument("--kill-node-at", type=float, default=0.35, help="Share of the run.")
    parser.add_argument("--restart-node-at", type=float, default=0.7, help="Share of the run.")
    parser.add_argument("--kill-worker-at", type=float, default=0.5, help="Share of the run.")
    parser.add_argument("--stop-replica-at", type=float, default=0.55, help="Share of the run.")
    parser.add_argument("--start-replica-at", type=float, default=0.8, help="Share of the run.")
    parser.add_argument("--visibility-timeout", type=int, default=15, help="Broker's, seconds.")
    parser.add_argument("--drain", type=float, default=300, help="Seconds to wait for e-mails.")
    for name in ("users", "posts", "votes", "tickets"):
        parser.add_argument(f"--{name}", type=int, help="Scale data.")
    args = parser.parse_args()
    for name, value in (SHORT if args.short else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.logs = ROOT / "bench" / "results" / time.strftime("rehearsal-%Y%m%d-%H%M%S")
    args.logs.mkdir(parents=True)
    print(f"logs of every process: {args.logs.relative_to(ROOT)}/", flush=True)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command

    def interrupted(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    workdir = Path(tempfile.mkdtemp(prefix="cocreate-rehearsal-"))
    workdir.chmod(0o755)  # PostgreSQL, run as its own account, reaches its directory
    site = Site(args, workdir)
    ok = False
    try:
        ok = run(args, workdir, site)
    finally:
        site.stop_all()
        for server in ("primary", "replica"):  # the servers' logs, kept with the others
            with contextlib.suppress(OSError):
                shutil.copy(workdir / "pg" / f"{server}.log", args.logs)
        shutil.rmtree(workdir, ignore_errors=True)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
