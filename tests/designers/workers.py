"""Real Celery worker processes on the test database, a gate that holds a run mid-way, and
the popular posts these tests surface.

Shared by the designers' tests that run the surfacing job in separate worker processes
(tests/designers/test_concurrency.py, tests/designers/test_worker_killed.py).
"""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.db import connections

from cocreate.celery import app as celery_app
from cocreate.notifications.models import Notification
from community.models import Post, Vote
from designers.models import ReviewItem
from tests.factories.accounts import UserFactory
from tests.factories.community import PostFactory
from tests.factories.designers import ProductTeamFactory
from tests.processes import database_url
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def popular_posts(count=3, votes=60):
    """Posts over the default threshold and milestone, with a designer team each."""
    posts = []
    voters = [UserFactory() for _ in range(votes)]
    for _ in range(count):
        post = PostFactory(kind=Post.Kind.MODIFICATION)
        ProductTeamFactory(product=post.product)
        ProductTeamFactory(product=post.product)
        Vote.objects.bulk_create(Vote(user=voter, post=post) for voter in voters)
        Post.objects.filter(pk=post.pk).update(vote_count=votes)
        posts.append(post)
    return posts


def assert_each_item_and_notice_once(posts):
    assert ReviewItem.objects.count() == len(posts)
    assert ReviewItem.objects.filter(notified_at__isnull=True).count() == 0
    notes = Notification.objects.filter(kind="designers.surfaced")
    assert notes.count() == 2 * len(posts)  # two designers per product, once each
    assert notes.values("recipient", "dedupe_key").distinct().count() == notes.count()


def start_worker(name: str) -> subprocess.Popen:
    """A `celery worker` process (solo pool: one task at a time) on the test database."""
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url()
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cocreate",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
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


class NotifyGate:
    """Another connection holding an EXCLUSIVE lock on the notifications table.

    A surfacing run that reaches its notify step waits there on its first insert, inside the
    item's transaction: it has rescored the posts and created the review items (committed),
    holds the job's advisory lock, and has notified no one."""

    def __init__(self, connection):
        self.connection = connection
        self.table = Notification._meta.db_table

    def blocked_backends(self) -> list[int]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                [self.table],
            )
            return [row[0] for row in cursor.fetchall()]

    def wait_for_a_run(self, timeout: float = 120) -> int:
        """The server process id of the run waiting at the gate."""
        pids = wait_until(self.blocked_backends, timeout=timeout, message="a run at the gate")
        assert len(pids) == 1, pids
        return pids[0]


@contextmanager
def notify_gate():
    other = connections.create_connection("default")
    try:
        other.ensure_connection()
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Notification._meta.db_table} IN EXCLUSIVE MODE")
        yield NotifyGate(other)
    finally:
        other.rollback()
        other.close()


def backend_alive(pid: int) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


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
