"""Notification e-mails are sent once each, whatever else holds locks, fails or dies meanwhile.

Locks are held by a real second PostgreSQL connection (tests/concurrency.py); e-mail goes to a
real SMTP server where it matters what the server accepted (tests/smtp.py)."""

from datetime import timedelta
from io import StringIO

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.celery import app as celery_app
from cocreate.notifications.models import Notification
from cocreate.notifications.services import (
    EMAIL_SWEEP_BATCH,
    EMAIL_SWEEP_GRACE,
    email_claim_lease,
    email_message_id,
    notification_emails_send,
    notification_emails_sweep,
)
from cocreate.notifications.tasks import send_notification_emails
from tests.concurrency import row_locked
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _aged(notification, *, by=EMAIL_SWEEP_GRACE + timedelta(minutes=1), **fields):
    """The notification as if created `by` ago (auto_now_add cannot be set on create)."""
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - by, **fields)
    notification.refresh_from_db()
    return notification


def _emailed(notification) -> bool:
    return Notification.objects.get(pk=notification.pk).emailed_at is not None


def test_an_email_goes_out_while_another_transaction_holds_the_recipients_row():
    # Given a notification, and its recipient's row locked by another transaction (a login)
    notification = NotificationFactory(title="Your ticket was answered")

    # When the e-mail task runs meanwhile
    with row_locked(User, notification.recipient_id):
        sent = send_notification_emails([notification.pk])

    # Then the e-mail went out, and is recorded as sent
    assert sent == 1
    assert [message.subject for message in mail.outbox] == ["[CoCreate] Your ticket was answered"]
    assert _emailed(notification)


def test_a_notification_locked_by_another_transaction_is_work_still_to_do():
    # Given two notifications, one of them locked by another transaction (a mark-read)
    free, locked = NotificationFactory(), NotificationFactory()

    # When the e-mails are sent meanwhile
    with row_locked(Notification, locked.pk):
        run = notification_emails_send(ids=[free.pk, locked.pk])
        # (the task asks Celery to run it again for the locked one)
        with pytest.raises(Retry):
            send_notification_emails([locked.pk])

    # Then the free one went out, the locked one is reported still to send, and later goes out
    assert (run.sent, run.locked) == (1, [locked.pk])
    assert _emailed(free) and not _emailed(locked)
    assert send_notification_emails([locked.pk]) == 1
    assert [message.to for message in mail.outbox] == [
        [free.recipient.email],
        [locked.recipient.email],
    ]


def test_the_sweep_sends_what_no_task_sent_once():
    # Given e-mails whose task never ran: one old enough, one just created
    lost = _aged(NotificationFactory(title="Lost"))
    NotificationFactory(title="Its task is on the way")

    # When the sweep runs, twice
    first, second = notification_emails_sweep(), notification_emails_sweep()

    # Then the old one went out once; the new one is left to its task
    assert (first, second) == (1, 0)
    assert [message.subject for message in mail.outbox] == ["[CoCreate] Lost"]
    assert _emailed(lost)


def test_one_sweep_sends_a_whole_backlog_not_one_batch():
    # Given a backlog of unsent e-mails over twice the sweep's batch (a broker lost its queue
    # during a burst of SLA breaches, say)
    backlog = EMAIL_SWEEP_BATCH * 2 + 5
    recipient = UserFactory()
    NotificationFactory.create_batch(backlog, recipient=recipient)
    Notification.objects.update(created_at=timezone.now() - EMAIL_SWEEP_GRACE * 2)

    # When the sweep runs once
    sent = notification_emails_sweep()

    # Then all of it went out, each once, not one batch a minute
    assert sent == backlog
    assert len(mail.outbox) == backlog
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_a_dead_workers_claim_is_sent_again_after_the_lease_with_the_same_message_id(smtp_sink):
    # Given a notification claimed by a worker that died before the SMTP server took it, and
    # another claimed just now by a worker still sending it
    dead = _aged(NotificationFactory(), email_claimed_at=timezone.now() - email_claim_lease())
    alive = _aged(NotificationFactory(), email_claimed_at=timezone.now())

    # When the sweep runs (and a task for both turns up)
    swept = notification_emails_sweep()
    again = send_notification_emails([dead.pk, alive.pk])

    # Then the dead worker's e-mail went out once, under the notification's own Message-ID
    assert (swept, again) == (1, 0)
    (message,) = smtp_sink.messages
    assert message["To"] == dead.recipient.email
    assert message["Message-ID"] == email_message_id(dead)
    assert _emailed(dead) and not _emailed(alive)


def test_an_smtp_error_mid_batch_retries_only_what_the_server_did_not_accept(smtp_sink):
    # Given three notifications, the second one's mailbox refused by the SMTP server
    first, refused, third = NotificationFactory.create_batch(3)
    smtp_sink.refuse.add(refused.recipient.email)

    # When the task sends the batch
    with pytest.raises(OSError):
        notification_emails_send(ids=[first.pk, refused.pk, third.pk])

    # Then the first is recorded as sent before the error; the refused one is free to retry
    assert _emailed(first) and not _emailed(refused) and not _emailed(third)
    assert Notification.objects.get(pk=refused.pk).email_claimed_at is None

    # When the server takes it again and the task is retried with the same batch
    smtp_sink.refuse.clear()
    assert send_notification_emails([first.pk, refused.pk, third.pk]) == 2

    # Then each recipient has exactly one e-mail
    recipients = sorted(message["To"] for message in smtp_sink.messages)
    assert recipients == sorted(n.recipient.email for n in (first, refused, third))


def test_what_is_not_to_be_emailed_never_is():
    in_app_only = _aged(NotificationFactory(send_email=False))
    no_address = _aged(NotificationFactory(recipient=UserFactory(email="")))

    assert notification_emails_sweep() == 0
    assert send_notification_emails([in_app_only.pk, no_address.pk]) == 0

    assert mail.outbox == []
    assert Notification.objects.get(pk=no_address.pk).send_email is False  # swept no more


def test_the_sweep_is_a_scheduled_job_run_by_hand(settings):
    lost = _aged(NotificationFactory())
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-send-unsent-emails"]
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
    out = StringIO()

    call_command("run_job", "notifications-send-unsent-emails", stdout=out)

    assert "notifications-send-unsent-emails: 1" in out.getvalue()
    assert _emailed(lost)
