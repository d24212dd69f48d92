"""Two runs of the surfacing job at the same moment: no duplicate items, no duplicate notices.

Run through real Celery workers on the real Redis broker: the in-process worker thread of the
`celery_worker` fixture, and two separate worker processes started on the test database.
"""

import threading
from contextlib import nullcontext
from functools import partial

import pytest
from django.db import connection, transaction

from cocreate.celery import app as celery_app
from cocreate.notifications.models import Notification
from community.models import Post
from designers import surfacing, tasks
from designers.models import ReviewItem
from tests.concurrency import row_locked, run_at_once
from tests.factories.designers import ReviewItemFactory
from tests.waiting import wait_until
from tests.workers import start_worker, stop_workers, wait_for_workers

from .workers import assert_each_item_and_notice_once, notify_gate, popular_posts


@pytest.mark.django_db(transaction=True)
def test_two_threads_at_once_create_each_item_and_notice_once():
    posts = popular_posts()
    results, errors = run_at_once([surfacing.surface_popular] * 2)

    assert not errors
    assert sum(result.surfaced for result in results) == len(posts)
    assert_each_item_and_notice_once(posts)


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_constraints_still_prevent_duplicates(monkeypatch):
    """Even if two runs overlapped (say the lock were lost), items and notices stay unique."""
    posts = popular_posts()
    monkeypatch.setattr(surfacing, "advisory_lock_tried", lambda key: nullcontext(True))
    _, errors = run_at_once([surfacing.surface_popular] * 3)

    assert not errors
    assert_each_item_and_notice_once(posts)


def test_the_task_on_a_real_worker_is_idempotent(celery_worker):
    posts = popular_posts(count=2)

    first = tasks.surface_popular.delay().get(timeout=60)
    second = tasks.surface_popular.delay().get(timeout=60)

    assert first["ran"] and first["surfaced"] == 2
    assert second["surfaced"] == 0
    assert_each_item_and_notice_once(posts)


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_running_the_job_together():
    """The runs overlap for sure: the first is held at its notify step (holding the job's
    lock) until the other worker has tried to run the job meanwhile."""
    posts = popular_posts()
    celery_app.control.purge()
    names = ["designers-test-0", "designers-test-1"]
    workers = [start_worker(name) for name in names]
    try:
        wait_for_workers(names)
        with notify_gate() as gate:
            first = tasks.surface_popular.delay()
            gate.wait_for_a_run()
            others = [tasks.surface_popular.delay() for _ in range(3)]
            # The other worker ran the job while the first run was in the middle of it.
            overlapping = others[0].get(timeout=120)
            assert ReviewItem.objects.count() == len(posts)
            assert not Notification.objects.exists()
        outcomes = [first.get(timeout=120), *(other.get(timeout=120) for other in others)]
    finally:
        stop_workers(workers)

    assert overlapping["ran"] is False  # refused by the lock the first run held
    assert outcomes[0]["ran"] and outcomes[0]["surfaced"] == len(posts)
    assert sum(outcome["surfaced"] for outcome in outcomes) == len(posts)
    assert_each_item_and_notice_once(posts)


@pytest.mark.django_db(transaction=True)
def test_announcing_an_item_takes_its_post_before_the_item():
    """The rescore step locks posts, then their items; announcing an item locks them in the same
    order, so while it waits for a post it holds no item another run needs (a deadlock, seen when
    runs overlapped)."""
    post = popular_posts(count=1)[0]
    item = ReviewItemFactory(post=post, product=post.product)
    with row_locked(Post, post.pk):  # as a run rescoring that post holds it
        announcing = threading.Thread(
            target=run_at_once, args=([partial(surfacing.review_item_notify, item=item)],)
        )
        announcing.start()
        wait_until(
            _waiting_for_a_lock,
            timeout=30,
            message="the announcement to wait for the post",
        )
        with transaction.atomic():  # the run goes on to the item: it must not be held
            assert ReviewItem.objects.select_for_update(nowait=True).filter(pk=item.pk).exists()
    announcing.join(30)
    item.refresh_from_db()
    assert item.notified_at is not None


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0
