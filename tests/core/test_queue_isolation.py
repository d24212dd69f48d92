"""A backlog on one queue never holds up another: with the default worker stuck behind a queue
of jobs, an e-mail worker still sends e-mails at once.

Real `celery worker` processes, one per queue as on a server (`-Q default`, `-Q email`), on the
real Redis broker and a real SMTP server (tests/smtp.py). The default worker is held on its first
job by a table lock of the test's; more jobs wait behind it.
"""

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session

from cocreate.celery import app as celery_app
from cocreate.core import tasks as core_tasks
from cocreate.notifications import tasks as notification_tasks
from cocreate.notifications.models import Notification
from tests.factories.notifications import NotificationFactory
from tests.waiting import wait_until
from tests.workers import start_worker, stop_workers, table_locked, wait_for_workers

BACKLOG = 5


def _waiting_in(queue: str) -> int:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        return client.llen(queue)
    finally:
        client.close()


@pytest.mark.django_db(transaction=True)
def test_an_email_is_sent_while_the_default_queue_is_stuck(smtp_sink):
    mail = {"EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}"}
    celery_app.control.purge()
    workers = [
        start_worker("queues-default", queues="default", env=mail),
        start_worker("queues-email", queues="email", env=mail),
    ]
    try:
        wait_for_workers(["queues-default", "queues-email"])
        with table_locked(Session) as gate:
            # Given the default worker stuck on a job, and more default jobs queued behind it
            jobs = [core_tasks.clear_expired_sessions.delay() for _ in range(BACKLOG)]
            wait_until(
                gate.blocked_backends, timeout=120, message="the default worker to wait on the lock"
            )
            assert _waiting_in("default") == BACKLOG - 1

            # When a notification's e-mail is queued after them
            notification = NotificationFactory(title="Not stuck behind the jobs")
            notification_tasks.send_notification_emails.delay([notification.pk])

            # Then it is sent while the default jobs still wait
            wait_until(
                lambda: smtp_sink.to(notification.recipient.email),
                timeout=120,
                message="the e-mail to be sent",
            )
            assert len(gate.blocked_backends()) == 1
            assert _waiting_in("default") == BACKLOG - 1
            assert not any(job.ready() for job in jobs)
        # (and once the lock goes, the backlog drains)
        for job in jobs:
            assert job.get(timeout=120) == 0
    finally:
        stop_workers(workers)

    assert Notification.objects.get(pk=notification.pk).emailed_at is not None
    assert [m["Subject"] for m in smtp_sink.messages] == ["[CoCreate] Not stuck behind the jobs"]
