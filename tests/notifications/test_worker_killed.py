"""An e-mail task whose worker is killed mid-way is delivered again and notifies no one twice.

A real `celery worker` process taking the "email" queue, on the real Redis broker, e-mails three
notifications through a real SMTP server (tests/smtp.py) that hangs on the second one; the worker
is killed with SIGKILL there. The task, acknowledged late, stays in the broker and a new worker
runs it again; the sweep sends what the dead worker had claimed.
"""

import os
import signal

import pytest

from cocreate.celery import app as celery_app
from cocreate.notifications import tasks
from cocreate.notifications.models import Notification
from cocreate.notifications.services import email_claim_lease
from tests.factories.notifications import NotificationFactory
from tests.waiting import wait_until
from tests.workers import redeliver_unacked, start_worker, stop_workers, wait_for_workers


@pytest.mark.django_db(transaction=True)
def test_an_email_task_redelivered_after_its_worker_was_killed_sends_each_email_once(
    smtp_sink,
):
    # Given three notifications to e-mail, and a mail server that hangs on the second one
    first, second, third = (NotificationFactory() for _ in range(3))
    smtp_sink.hold.add(second.recipient.email)
    mail = {"EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}", "EMAIL_TIMEOUT": "300"}
    celery_app.control.purge()
    doomed = start_worker("email-doomed", queues="email", env=mail)
    workers = [doomed]
    try:
        wait_for_workers(["email-doomed"])
        killed_run = tasks.send_notification_emails.delay([first.pk, second.pk, third.pk])
        wait_until(lambda: smtp_sink.held, timeout=120, message="the worker at the second e-mail")

        # When the worker is killed there
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(30)
        assert [message["To"] for message in smtp_sink.messages] == [first.recipient.email]

        # And the task is delivered again to a new worker
        smtp_sink.hold.clear()
        redeliver_unacked(killed_run.id)
        workers.append(start_worker("email-restarted", queues="email", env=mail))
        wait_for_workers(["email-restarted"])
        sent_again = killed_run.get(timeout=120)

        # Then the first is not sent again, and the second, claimed by the dead worker, waits
        assert sent_again == 1
        assert [message["To"] for message in smtp_sink.messages] == [
            first.recipient.email,
            third.recipient.email,
        ]
        assert Notification.objects.get(pk=second.pk).emailed_at is None

        # When its claim outlives the lease (the dead worker's time limit), the sweep sends it
        Notification.objects.filter(pk=second.pk).update(
            created_at=second.created_at - email_claim_lease(),
            email_claimed_at=Notification.objects.get(pk=second.pk).email_claimed_at
            - email_claim_lease(),
        )
        swept = tasks.send_unsent_notification_emails.delay().get(timeout=120)
    finally:
        stop_workers(workers)

    # Then each person was e-mailed once
    assert swept == 1
    assert sorted(message["To"] for message in smtp_sink.messages) == sorted(
        [first.recipient.email, second.recipient.email, third.recipient.email]
    )
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
