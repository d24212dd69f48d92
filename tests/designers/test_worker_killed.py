"""A worker killed in the middle of the surfacing job leaves nothing the next run does not repair.

A real `celery worker` process on the real Redis broker runs the job; it is held at a known
point (review items created, no designer notified yet) and killed with SIGKILL there; a new
worker process then runs the job again.
"""

import os
import signal

import pytest

from cocreate.celery import app as celery_app
from cocreate.notifications.models import Notification
from designers import surfacing, tasks
from designers.models import JobState, ReviewItem
from tests.waiting import wait_until
from tests.workers import forget_unacked, start_worker, stop_workers, wait_for_workers

from .workers import (
    assert_each_item_and_notice_once,
    backend_alive,
    notify_gate,
    popular_posts,
)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_creating_items_is_repaired_by_the_next_run():
    # Given popular posts and a worker process running the job, held before it notifies anyone
    posts = popular_posts()
    celery_app.control.purge()
    doomed = start_worker("designers-doomed")
    workers = [doomed]
    try:
        wait_for_workers(["designers-doomed"])
        with notify_gate() as gate:
            killed_run = tasks.surface_popular.delay()
            backend = gate.wait_for_a_run()
            assert ReviewItem.objects.count() == len(posts)

            # When the worker is killed there
            os.kill(doomed.pid, signal.SIGKILL)
            doomed.wait(30)
        # (its database session ends once the server notices; its transaction rolls back)
        wait_until(
            lambda: not backend_alive(backend),
            timeout=90,
            message="the killed worker's database session to end",
        )
        forget_unacked(killed_run.id)

        # Then it left the items, no notice, and the cursor where it was
        assert ReviewItem.objects.count() == len(posts)
        assert not ReviewItem.objects.filter(notified_at__isnull=False).exists()
        assert not Notification.objects.exists()
        state = JobState.objects.get(name=surfacing.JOB_NAME)
        assert state.last_started_at is None and state.last_finished_at is None

        # When a new worker runs the job again
        workers.append(start_worker("designers-restarted"))
        wait_for_workers(["designers-restarted"])
        outcome = tasks.surface_popular.delay().get(timeout=120)
        again = tasks.surface_popular.delay().get(timeout=120)
    finally:
        stop_workers(workers)

    # Then every item exists once, each designer heard of it once, and the cursor moved
    assert outcome["ran"] and outcome["surfaced"] == 0
    assert outcome["notified"] == 2 * len(posts)
    assert outcome["rescored"] >= len(posts)  # the cursor had not moved: a full run again
    assert again["ran"] and again["notified"] == 0
    assert_each_item_and_notice_once(posts)
    state.refresh_from_db()
    assert state.last_started_at is not None
    assert state.last_finished_at >= state.last_started_at
