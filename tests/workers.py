"""Real Celery worker processes on the test database and the broker (REDIS_URL), started per
queue as on a server, and what a killed worker leaves in the broker.

Used by the tests that kill workers or run several (tests/designers/test_worker_killed.py,
tests/designers/test_concurrency.py, tests/notifications/test_worker_killed.py,
tests/core/test_queue_isolation.py).
"""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.db import connections

from cocreate.celery import app as celery_app
from tests.processes import database_url
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]


def start_worker(
    name: str, *, queues: str | None = None, env: dict[str, str] | None = None
) -> subprocess.Popen:
    """A `celery worker` process (solo pool: one task at a time) on the test database, taking
    the comma-separated `queues` (every queue when None), with `env` added to its environment."""
    environment = {**os.environ, "DATABASE_URL": database_url(), **(env or {})}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cocreate",
            "worker",
            *(["-Q", queues] if queues else []),
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_workers(names: list[str], timeout: float = 90) -> None:
    """Until every named worker answers a ping."""

    def all_answer() -> bool:
        replies = celery_app.control.ping(timeout=1) or []  # waits a second for the replies
        answered = {key.split("@")[0] for reply in replies for key in reply}
        return set(names) <= answered

    wait_until(all_answer, timeout=timeout, interval=0, message=f"workers {names} to start")


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(10)


def forget_unacked(task_id: str) -> None:
    """Drop the broker's copy of a task whose worker was killed.

    acks_late keeps an unacknowledged message in Redis and hands it to a worker again after the
    visibility timeout (an hour): that redelivery would otherwise reach a later test run."""
    with celery_app.connection_for_write() as connection:
        client = connection.default_channel.client
        for tag, raw in client.hgetall("unacked").items():
            message = json.loads(raw)[0]
            if message.get("headers", {}).get("id") == task_id:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)


def redeliver_unacked(task_id: str) -> None:
    """Make the broker's copy of a task whose worker was killed due for redelivery now.

    acks_late keeps the message in Redis, unacknowledged, and kombu hands it to a worker again
    once it is older than the visibility timeout (an hour): dated back, it is restored to its
    queue by the next worker's periodic check (every 10 s), as after that hour."""
    with celery_app.connection_for_write() as connection:
        client = connection.default_channel.client
        for tag, raw in client.hgetall("unacked").items():
            message = json.loads(raw)[0]
            if message.get("headers", {}).get("id") == task_id:
                client.zadd("unacked_index", {tag: 1})
                return
    raise AssertionError(f"task {task_id} is not waiting unacknowledged in the broker")


class TableGate:
    """Another connection holding an EXCLUSIVE lock on a model's table: a worker's task that
    writes to it (or reads it for update) waits there until the gate's block ends."""

    def __init__(self, connection, model):
        self.connection = connection
        self.table = model._meta.db_table

    def blocked_backends(self) -> list[int]:
        """The server process ids of those waiting on the table."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                [self.table],
            )
            return [row[0] for row in cursor.fetchall()]


@contextmanager
def table_locked(model, *, gate: type[TableGate] = TableGate):
    """A `gate` on `model`'s table for the block; the lock is released as it ends."""
    other = connections.create_connection("default")
    try:
        other.ensure_connection()
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")
        yield gate(other, model)
    finally:
        other.rollback()
        other.close()
