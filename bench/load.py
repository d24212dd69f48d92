"""What the load benchmarks share (bench/community.py, bench/service_desk_tickets.py --load):
gunicorn on a loopback port, client processes requesting one endpoint back to back, per-endpoint
statistics, the web workers' peak memory and the table of results.

Import it after django.setup() (sessions are made through Django). gunicorn runs bench.settings
with the environment of the caller, so sessions made here (same database, same SECRET_KEY) sign
its clients in.

The clients are Python processes with http.client (no extra dependency, and a request can need
its own account or object, which is plain code here). Each request opens a new connection, as
gunicorn's sync workers close it after every response.
"""

import http.client
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 4
WORKERS = 3


def session_cookie(user) -> str:
    """A new session of `user` (the key to send as the `sessionid` cookie)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


# --- Clients -------------------------------------------------------------------------------------


def _client(port, endpoint, seconds, items, results):
    """One client: requests back to back for `seconds`; puts (latencies ms, errors, outcomes).

    An endpoint with `per_request` makes each request from the next of `items` (it returns the
    URL and headers to add) and stops when they run out; its `outcome(item, payload)` is kept
    for each answer with 200."""
    latencies, errors, outcomes = [], 0, []
    deadline = time.perf_counter() + seconds
    per_request = endpoint.get("per_request")
    items = iter(items)
    while time.perf_counter() < deadline:
        headers = {"Host": "127.0.0.1", "Accept-Language": "en"}
        url, body = endpoint["url"], None
        if per_request:
            try:
                item = next(items)
            except StopIteration:
                break
            url, extra = per_request(item)
            headers |= extra
        elif endpoint.get("cookie"):
            headers["Cookie"] = endpoint["cookie"]
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(endpoint["method"], url, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            conn.close()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok, payload = False, b""
        latencies.append((time.perf_counter() - start) * 1000)
        if not ok:
            errors += 1
        elif per_request and endpoint.get("outcome"):
            outcomes.append(endpoint["outcome"](item, payload))
    results.put((latencies, errors, outcomes))


def run_endpoint(port, endpoint, seconds, items=()) -> dict:
    """CLIENTS clients on `endpoint` for `seconds` (sharing `items` out among them): requests,
    errors, requests per second, latency percentiles and the outcomes."""
    results = multiprocessing.Queue()
    shares = [items[i::CLIENTS] for i in range(CLIENTS)]
    clients = [
        multiprocessing.Process(target=_client, args=(port, endpoint, seconds, shares[i], results))
        for i in range(CLIENTS)
    ]
    start = time.perf_counter()
    for client in clients:
        client.start()
    latencies, errors, outcomes = [], 0, []
    for _ in clients:
        part, part_errors, part_outcomes = results.get()
        latencies += part
        errors += part_errors
        outcomes += part_outcomes
    for client in clients:
        client.join()
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] if latencies else 0

    return {
        "name": endpoint["name"],
        "kind": endpoint["kind"],
        "url": endpoint["url"],
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "mean": statistics.fmean(latencies) if latencies else 0,
        "outcomes": outcomes,
    }


# --- gunicorn ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, *, cache_seconds: int) -> subprocess.Popen:
    """gunicorn with WORKERS sync workers on bench.settings (DEBUG off), once its bare view
    answers."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "ANONYMOUS_PAGE_CACHE_SECONDS": str(cache_seconds),
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            # Everything on this command line: not the site's gunicorn.conf.py (its worker,
            # threads and access log), so that results compare with those in the docs.
            "--config",
            os.devnull,
            "cocreate.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/bare/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def worker_peaks(master_pid: int) -> list[int]:
    """Peak resident memory (VmHWM, kB) of each worker process of the gunicorn master."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            peaks.append(int(fields["VmHWM"].split()[0]))
    return peaks


def run_all(rows, seconds, *, cache_seconds: int, items_for=lambda row: ()):
    """Each of `rows` through a gunicorn of its own, after one second on every row to warm up
    every worker (imports, templates, connections): the results, and each worker's peak memory.
    `items_for(row)` gives what a row's clients share out (the votes' sessions and posts)."""
    port = free_port()
    server = start_gunicorn(port, cache_seconds=cache_seconds)
    results = []
    try:
        for row in rows:
            if not items_for(row):
                run_endpoint(port, row, 1)
        for row in rows:
            result = run_endpoint(port, row, seconds, items_for(row))
            results.append(result)
            print(
                f"  {result['name']}: {result['rps']:.0f} rps, p95 {result['p95']:.0f} ms",
                flush=True,
            )
        peaks = worker_peaks(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return results, peaks


# --- Report --------------------------------------------------------------------------------------


def write_json(path: Path, results: list[dict], peaks: list[int]) -> None:
    """The results (without each request's outcome) and the workers' peak memory, for --json."""
    rows = [{k: v for k, v in r.items() if k != "outcomes"} for r in results]
    path.write_text(json.dumps({"results": rows, "worker_peak_kb": peaks}, indent=2))


def print_rows(results: list[dict], verdict) -> None:
    """The results as a Markdown table, each row against the first (the bare view) and its
    `verdict(row, bare_rps)` on the targets."""
    bare_rps = results[0]["rps"]
    print("| endpoint | requests | errors | rps | p50 ms | p95 ms | p99 ms | vs bare | target |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for row in results:
        print(
            f"| {row['name']} | {row['requests']} | {row['errors']} | {row['rps']:.0f} | "
            f"{row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f} | "
            f"{row['rps'] / bare_rps:.0%} | {verdict(row, bare_rps)} |"
        )


def print_peaks(peaks: list[int]) -> None:
    print("peak RSS per web worker: " + ", ".join(f"{kb / 1024:.0f} MB" for kb in sorted(peaks)))
