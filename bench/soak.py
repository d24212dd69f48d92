"""Soak benchmark: mixed traffic for a while, a Celery worker killed and Redis restarted meanwhile.

Run against a database of its own (scale data is generated into it when it is empty):

    createdb -h 127.0.0.1 -U postgres cocreate_soak
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_soak .venv/bin/python bench/soak.py

It starts what a deployment runs, each as its own process on loopback: a Redis server of its
own (so that it can stop and restart it without touching anyone else's), gunicorn with the
shipped gunicorn.conf.py, a Celery worker, Celery beat and an SMTP sink that records every
e-mail it accepts. Client processes then send mixed traffic for --seconds: anonymous and
signed-in reads, votes, comments (each one notifies the post's author), agents' replies to
tickets (each one notifies the customer) and /healthz. At --kill-at of the run the worker is
killed with SIGKILL (its unacknowledged tasks die with it) and a new one started; at
--redis-restart-at the Redis server is shut down without saving (every queued task is lost)
and started again --redis-down seconds later.

It then waits for the queues to drain and reports: errors and latency per time slice, peak
memory per process, how long the drain took, e-mails received against the notifications that
were due (they must be equal, with no e-mail twice) and `check_consistency` (must find
nothing). It exits non-zero when a request failed (no answer, or a 5xx other than /healthz's
503 while Redis is down), an e-mail was lost or sent twice, or a counter disagrees with its rows.
"""

import argparse
import contextlib
import http.client
import json
import logging
import multiprocessing
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from email import message_from_bytes
from http.cookies import SimpleCookie
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACTIONS = {  # action: weight in the mix
    "anonymous feed": 25,
    "signed-in feed": 15,
    "post page": 10,
    "vote": 15,
    "comment": 10,
    "agent reply": 10,
    "healthz": 5,
    "notifications (API)": 10,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not start")


# --- Redis and the SMTP sink ---------------------------------------------------------------------


class RedisServer:
    """A Redis server of the soak's own that keeps nothing on disk, so a restart loses every
    queued task, as a crash of a non-persistent Redis would."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server not found (apt-get install redis-server)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self._answers, 10, "redis-server")

    def _answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class SmtpSink:
    """An SMTP server (aiosmtpd) in a thread that keeps each accepted message's headers."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append(
                {"to": tuple(envelope.rcpt_tos), "message_id": message["Message-ID"] or ""}
            )
        return "250 OK"

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.messages)


# --- The site's processes ------------------------------------------------------------------------


def site_environment(redis_url: str, smtp_port: int) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "REDIS_URL": redis_url,
        "CACHE_URL": redis_url.rsplit("/", 1)[0] + "/1",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "ANONYMOUS_PAGE_CACHE_SECONDS": "5",
    }


def start_gunicorn(port: int, env: dict, log: Path) -> subprocess.Popen:
    """gunicorn with gunicorn.conf.py, in a process group of its own: kill_group() kills the
    whole node (bench/rehearsal.py), master and workers, as a machine's crash would."""
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "cocreate.wsgi",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env, cwd=ROOT, start_new_session=True, stdout=log.open("a"), stderr=subprocess.STDOUT,
    )  # fmt: skip

    def answers():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/bench/bare/")
        return conn.getresponse().status == 200

    wait_for(answers, 60, "gunicorn")
    return process


def start_celery(env: dict, log: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "cocreate", *args,
         "--loglevel", "warning"],
        env=env, cwd=ROOT, start_new_session=True, stdout=log.open("a"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL a process and its children (a Celery worker's pool), as an OOM killer would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def stop(process: subprocess.Popen, *, group: bool = False) -> None:
    try:
        (os.killpg if group else os.kill)(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        kill_group(process) if group else process.kill()


def peak_memory(pids: list[int]) -> dict[int, int]:
    """Peak resident memory (VmHWM, kB) of each of these processes and their children."""
    peaks = {}
    wanted = {str(pid) for pid in pids}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        pid = fields.get("Pid", "").strip()
        if (pid in wanted or fields.get("PPid", "").strip() in wanted) and "VmHWM" in fields:
            peaks[int(pid)] = int(fields["VmHWM"].split()[0])
    return peaks


# --- Data the traffic needs ----------------------------------------------------------------------


def prepare(clients: int, actions_per_client: int) -> dict:
    """Sessions and targets: each vote by a user not yet voting on that post, each comment by a
    user on someone else's post, each reply by an agent on an open ticket of a customer with an
    e-mail address."""
    from bench.community import _voting_sessions
    from bench.load import session_cookie
    from cocreate.accounts.models import User
    from cocreate.accounts.roles import Role
    from community import selectors
    from products.models import Product
    from service_desk.models import Ticket

    posts = list(selectors.listed_posts().filter(is_locked=False).order_by("-vote_count")[:400])
    product = posts[0].product
    # Each run votes on fresh (voter, post) pairs: after a few runs on one database a product's
    # pairs run out, so take them product after product.
    votes, wanted = [], clients * actions_per_client
    for other in Product.objects.order_by("-pk"):
        votes += _voting_sessions(other, wanted - len(votes))
        if len(votes) >= wanted:
            break
    commenters = list(
        User.objects.filter(username__startswith="user", is_active=True).exclude(email="")[:400]
    )
    agents = list(User.objects.filter(groups__name=Role.AGENT, is_active=True)[:10])
    tickets = list(
        Ticket.objects.filter(status__in=["new", "open", "pending"])
        .exclude(customer__email="")
        .values_list("number", flat=True)[:500]
    )
    if not (votes and commenters and agents and tickets):
        raise SystemExit("The database lacks scale data: votes, customers, agents or open tickets.")
    return {
        "feed": f"/community/{product.slug}/",
        "post_urls": [post.get_absolute_url() for post in posts[:50]],
        "comment_targets": [
            (session_cookie(user), post.pk)
            for user, post in zip(commenters, random.sample(posts, len(posts)), strict=False)
            if post.author_id != user.pk
        ],
        "votes": votes,
        "agent_sessions": [session_cookie(agent) for agent in agents],
        "tickets": tickets,
        "reader_session": session_cookie(commenters[0]),
    }


# --- Traffic -------------------------------------------------------------------------------------


class Browser:
    """A client's cookies: the session, CSRF, and whatever the site sets (cc_primary_until)."""

    def __init__(self, port: int, session: str = ""):
        self.port = port
        self.cookies = {"sessionid": session, "csrftoken": "c" * 32} if session else {}

    def request(self, method: str, url: str, body=None, *, files=None, raw=False):
        """(status, answer): JSON decoded, else text, or the bytes as sent when `raw`. With
        `files` ({field: (name, bytes)}), `body` is a form's fields, sent as multipart. The
        answer's headers are kept in `self.headers` (Location, X-Served-By)."""
        headers = {"Host": "127.0.0.1", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if files is not None:
            body, headers["Content-Type"] = multipart(body or {}, files)
        elif body is not None:
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif method == "POST":
            headers["Content-Length"] = "0"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, url, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            self.headers = response.headers
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            if raw:
                return response.status, content
            if response.getheader("Content-Type", "").startswith("application/json"):
                return response.status, json.loads(content)
            return response.status, content.decode(errors="replace")
        finally:
            conn.close()


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body of `fields` and `files` ({field: (name, bytes)}), and its
    Content-Type."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for field, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content + b"\r\n"
        )  # fmt: skip
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _client(number, port, data, started, seconds, results):
    """One client: weighted random actions back to back until the run ends; puts its log of
    (seconds since start, action, latency ms, status) with status 0 for a failed connection."""
    rng = random.Random(number)
    names, weights = list(ACTIONS), list(ACTIONS.values())
    votes = iter(data["votes"])
    comment_targets = data["comment_targets"]
    log = []
    while time.time() - started < seconds:
        action = rng.choices(names, weights)[0]
        method, url, session, body = "GET", data["feed"], "", None
        if action == "signed-in feed":
            session = data["reader_session"]
        elif action == "post page":
            url = rng.choice(data["post_urls"])
        elif action == "healthz":
            url = "/healthz"
        elif action == "notifications (API)":
            url, session = "/api/v1/notifications/", data["reader_session"]
        elif action == "vote":
            vote = next(votes, None)
            if vote is None:
                continue
            session, post_id = vote
            method, url = "POST", f"/api/v1/posts/{post_id}/vote/"
        elif action == "comment":
            session, post_id = rng.choice(comment_targets)
            method, url = "POST", f"/api/v1/posts/{post_id}/comments/"
            body = {"body": f"Soak comment {secrets.token_hex(4)}: it works for me as well."}
        elif action == "agent reply":
            session = rng.choice(data["agent_sessions"])
            method = "POST"
            url = f"/api/v1/tickets/{rng.choice(data['tickets'])}/messages/"
            body = {"body": f"Soak reply {secrets.token_hex(4)}: please try the latest firmware."}
        start = time.time()
        try:
            status, _ = Browser(port, session).request(method, url, body)
        except (OSError, http.client.HTTPException):
            status = 0
        log.append((start - started, action, (time.time() - start) * 1000, status))
    results.put(log)


def faults(args, redis: RedisServer, worker_box: list, env: dict, started: float, events: list):
    """The faults, on schedule: kill the worker (and start another), restart Redis."""
    plan = sorted(
        [
            (args.seconds * args.kill_at, "kill worker"),
            (args.seconds * args.redis_restart_at, "restart redis"),
        ]
    )
    for at, what in plan:
        time.sleep(max(0, started + at - time.time()))
        events.append((time.time() - started, what))
        if what == "kill worker":
            kill_group(worker_box[0])
            worker_box[0] = start_celery(
                env, args.logs / "worker.log", "worker", "--concurrency", str(args.concurrency)
            )
        else:
            redis.stop()
            time.sleep(args.redis_down)
            redis.start()
            events.append((time.time() - started, "redis back"))


# --- Accounting ----------------------------------------------------------------------------------


def emails_due(since) -> dict[str, int]:
    """Notifications created since the soak started that are to be e-mailed, by Message-ID."""
    from cocreate.notifications.models import Notification
    from cocreate.notifications.services import email_message_id

    due = Notification.objects.filter(created_at__gte=since, send_email=True)
    return {email_message_id(notification): notification.pk for notification in due}


def drain(sink: SmtpSink, since, seconds: float) -> tuple[float, dict, list]:
    """Wait until every e-mail due was received (or `seconds` passed)."""
    from django.db import connection

    started = time.monotonic()
    while True:
        due = emails_due(since)
        received = sink.snapshot()
        missing = set(due) - {row["message_id"] for row in received}
        connection.close()
        if not missing or time.monotonic() - started > seconds:
            return time.monotonic() - started, due, received
        time.sleep(2)


def consistency() -> str:
    from django.core.management import call_command

    out = StringIO()
    with contextlib.suppress(SystemExit):  # it exits 1 when a difference remains, and says which
        call_command("check_consistency", stdout=out, stderr=out)
    return out.getvalue().strip()


def failure(row) -> bool:
    """No answer or a 5xx, except /healthz's 503: saying Redis is down while it is, is its job."""
    return row[3] == 0 or (row[3] >= 500 and not (row[1] == "healthz" and row[3] == 503))


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))] if values else 0


def report(args, log, events, peaks, drain_seconds, due, received, check) -> bool:
    print()
    print(
        f"{args.clients} clients for {args.seconds:g} s; worker killed at "
        f"{args.seconds * args.kill_at:.0f} s, Redis down at {args.seconds * args.redis_restart_at:.0f}"
        f" s for {args.redis_down:g} s"
    )
    print("events: " + "; ".join(f"{at:.0f} s {what}" for at, what in events))
    print()
    print(
        "| from s | requests | 5xx / no answer | /healthz 503 | 429 | other 4xx | p50 ms | p95 ms "
        "| max ms |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for start in range(0, int(args.seconds) + 1, args.slice):
        rows = [row for row in log if start <= row[0] < start + args.slice]
        if not rows:
            continue
        latencies = [row[2] for row in rows]
        failed = sum(1 for row in rows if failure(row))
        unhealthy = sum(1 for row in rows if row[1] == "healthz" and row[3] == 503)
        refused = sum(1 for row in rows if row[3] == 429)
        other = sum(1 for row in rows if 400 <= row[3] < 500 and row[3] != 429)
        print(
            f"| {start} | {len(rows)} | {failed} | {unhealthy} | {refused} | {other} | "
            f"{statistics.median(latencies):.0f} | {percentile(latencies, 95):.0f} | "
            f"{max(latencies):.0f} |"
        )
    print()
    print("| action | requests | 5xx / no answer | statuses |")
    print("| --- | ---: | ---: | --- |")
    for action in ACTIONS:
        rows = [row for row in log if row[1] == action]
        statuses = {}
        for row in rows:
            statuses[row[3]] = statuses.get(row[3], 0) + 1
        failed = sum(1 for row in rows if failure(row))
        shown = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
        print(f"| {action} | {len(rows)} | {failed} | {shown} |")
    print()
    print("peak memory (VmHWM): " + ", ".join(f"{name} {kb / 1024:.0f} MB" for name, kb in peaks))
    ids = [row["message_id"] for row in received]
    unique = set(ids)
    lost = set(due) - unique
    twice = len(ids) - len(unique)
    print(
        f"queues drained {drain_seconds:.0f} s after the traffic stopped; e-mails due "
        f"{len(due)}, received {len(unique & set(due))}, lost {len(lost)}, sent twice {twice}"
    )
    print(f"check_consistency: {check}")
    failures = [row for row in log if failure(row)]
    return not (lost or twice or failures) and "Every denormalised value matches" in check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes.")
    parser.add_argument("--kill-at", type=float, default=0.4, help="Share of the run.")
    parser.add_argument("--redis-restart-at", type=float, default=0.6, help="Share of the run.")
    parser.add_argument("--redis-down", type=float, default=10, help="Seconds Redis stays down.")
    parser.add_argument("--drain", type=float, default=600, help="Seconds to wait for e-mails.")
    parser.add_argument("--slice", type=int, default=30, help="Seconds per report row.")
    parser.add_argument("--users", type=int, default=5000, help="Scale data, when generated.")
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--votes", type=int, default=200000)
    parser.add_argument("--tickets", type=int, default=10000)
    args = parser.parse_args()
    args.logs = ROOT / "bench" / "results" / time.strftime("soak-%Y%m%d-%H%M%S")
    args.logs.mkdir(parents=True)
    print(f"logs of gunicorn, the worker and beat: {args.logs.relative_to(ROOT)}/", flush=True)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command

    workdir = Path(tempfile.mkdtemp(prefix="cocreate-soak-"))
    redis = RedisServer(workdir)
    redis.start()
    sink = SmtpSink()
    sink.controller.start()
    env = site_environment(redis.url, sink.port)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "CACHE_URL")})
    os.environ.setdefault("SECRET_KEY", "soak-" + "x" * 50)
    env["SECRET_KEY"] = os.environ["SECRET_KEY"]

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command(
        "generate_scale", users=args.users, posts=args.posts, votes=args.votes,
        tickets=args.tickets, if_empty=True,
    )  # fmt: skip
    per_client = int(args.seconds * 40 * ACTIONS["vote"] / sum(ACTIONS.values()))
    data = prepare(args.clients, per_client)
    connection.close()

    port = free_port()
    web = start_gunicorn(port, env, args.logs / "gunicorn.log")
    worker_box = [
        start_celery(
            env, args.logs / "worker.log", "worker", "--concurrency", str(args.concurrency)
        )
    ]
    beat = start_celery(
        env, args.logs / "beat.log", "beat", "--schedule", str(workdir / "beat-schedule")
    )
    since = timezone.now() - timedelta(seconds=1)
    started = time.time()
    events = []
    fault_thread = threading.Thread(
        target=faults, args=(args, redis, worker_box, env, started, events), daemon=True
    )
    fault_thread.start()
    results = multiprocessing.Queue()
    shares = [data | {"votes": data["votes"][i :: args.clients]} for i in range(args.clients)]
    clients = [
        multiprocessing.Process(
            target=_client, args=(i, port, shares[i], started, args.seconds, results)
        )
        for i in range(args.clients)
    ]
    try:
        for client in clients:
            client.start()
        log = [row for _ in clients for row in results.get()]
        for client in clients:
            client.join()
        fault_thread.join()
        print(f"traffic done: {len(log)} requests; waiting for the queues to drain", flush=True)
        drain_seconds, due, received = drain(sink, since, args.drain)
        peaks = sorted(peak_memory([web.pid]).items())
        named = [("gunicorn master" if pid == web.pid else f"web worker {pid}", kb)
                 for pid, kb in peaks]  # fmt: skip
        workers = peak_memory([worker_box[0].pid])
        named += [(f"celery {pid}", kb) for pid, kb in sorted(workers.items())]
    finally:
        stop(web)
        stop(worker_box[0], group=True)
        stop(beat, group=True)
        sink.controller.stop()
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    check = consistency()
    ok = report(args, log, events, named, drain_seconds, due, received, check)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
