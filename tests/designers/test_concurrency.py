"""Two runs of the surfacing job at the same moment: no duplicate items, no duplicate notices.

Run through real Celery workers on the real Redis broker: the in-process worker thread of the
`celery_worker` fixture, and two separate worker processes started on the test database.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection, connections

from cocreate.celery import app as celery_app
from cocreate.notifications.models import Notification
from community.models import Post, Vote
from designers import surfacing, tasks
from designers.models import ReviewItem
from tests.factories.accounts import UserFactory
from tests.factories.community import PostFactory
from tests.factories.designers import ProductTeamFactory

ROOT = Path(__file__).resolve().parents[2]


def _popular_posts(count=3, votes=60):
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


def _assert_once(posts):
    assert ReviewItem.objects.count() == len(posts)
    assert ReviewItem.objects.filter(notified_at__isnull=True).count() == 0
    notes = Notification.objects.filter(kind="designers.surfaced")
    assert notes.count() == 2 * len(posts)  # two designers per product, once each
    assert notes.values("recipient", "dedupe_key").distinct().count() == notes.count()


@pytest.mark.django_db(transaction=True)
def test_two_threads_at_once_create_each_item_and_notice_once():
    posts = _popular_posts()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(surfacing.surface_popular())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    assert sum(result.surfaced for result in results) == len(posts)
    _assert_once(posts)


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_constraints_still_prevent_duplicates(monkeypatch):
    """Even if two runs overlapped (say the lock were lost), items and notices stay unique."""
    posts = _popular_posts()
    monkeypatch.setattr(surfacing._AdvisoryLock, "__enter__", lambda self: True)
    barrier = threading.Barrier(3)
    errors = []

    def run():
        try:
            barrier.wait()
            surfacing.surface_popular()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    _assert_once(posts)


def test_the_task_on_a_real_worker_is_idempotent(celery_worker):
    posts = _popular_posts(count=2)

    first = tasks.surface_popular.delay().get(timeout=60)
    second = tasks.surface_popular.delay().get(timeout=60)

    assert first["ran"] and first["surfaced"] == 2
    assert second["surfaced"] == 0
    _assert_once(posts)


def _test_database_url() -> str:
    """The test database as a URL for worker processes.

    Host and port go in the query string so that a Unix socket directory (the embedded PostgreSQL)
    works as well as a TCP host.
    """
    db = connections["default"].settings_dict
    query = {key: value for key, value in db["OPTIONS"].items() if isinstance(value, str | int)}
    if db["HOST"]:
        query["host"] = db["HOST"]
    if db["PORT"]:
        query["port"] = db["PORT"]
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@/{db['NAME']}?{urlencode(query)}"


def _start_worker(name: str, env: dict) -> subprocess.Popen:
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
        stderr=subprocess.PIPE,
    )


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_running_the_job_together():
    posts = _popular_posts()
    env = dict(os.environ)
    env["DATABASE_URL"] = _test_database_url()
    celery_app.control.purge()
    workers = [_start_worker(f"designers-test-{i}", env) for i in range(2)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = celery_app.control.ping(timeout=1) or []
            if len([r for r in replies if any("designers-test" in k for k in r)]) >= 2:
                break
        results = [tasks.surface_popular.delay() for _ in range(4)]
        outcomes = [result.get(timeout=120) for result in results]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)

    assert sum(outcome["surfaced"] for outcome in outcomes) == len(posts)
    _assert_once(posts)
