"""Work to do after a commit (e-mails, webhook deliveries, jobs), recorded in that transaction.

`outbox_enqueue(task, *args, **kwargs)` saves an OutboxMessage in the caller's transaction. Once
it commits, the task is published to the broker (one try, short timeouts) and the row deleted.
With the broker down the request goes on and the row waits: `outbox_publish_due`, a periodic job,
publishes it once the broker is back. So a write either fails before it is saved or succeeds, and
what follows it happens, at least once: every task sent this way is idempotent.
"""

import logging
import time
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from cocreate.celery import app as celery_app

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# One try, then the row waits: no retry loop inside a request (a pooled connection gone stale when
# Redis restarted is replaced by redis-py itself). The connect and socket timeouts are the
# broker's, CELERY_BROKER_TRANSPORT_OPTIONS.
PUBLISH_RETRY_POLICY = {"max_retries": 0}
# After a failed publish, a process leaves what it enqueues to the sweep for this long: requests
# do not each wait for a broker that just failed. A successful publish ends the pause.
PAUSE_AFTER_FAILURE_SECONDS = 10.0
# The sweep takes rows at least this old; younger ones are normally being published on commit.
SWEEP_AFTER = timedelta(seconds=30)
SWEEP_BATCH = 500

_paused_until = 0.0


def outbox_enqueue(task, *args, **kwargs) -> None:
    """Have Celery run `task(*args, **kwargs)` once the current transaction commits.

    Call it inside the transaction of the change that calls for the work: the row commits or
    rolls back with that change. `task` is a Celery task or its name; the arguments must be JSON
    (a TypeError otherwise, before anything is saved). Publishing never raises into the caller.
    The task may run more than once, so it must be idempotent.
    """
    outbox_enqueue_many(task, calls=[(args, kwargs)])


def outbox_enqueue_many(task, *, calls: Iterable[tuple[tuple, dict]]) -> int:
    """`outbox_enqueue` for several calls of one task (`(args, kwargs)` each), in one INSERT.
    Returns the number of calls recorded."""
    name = task if isinstance(task, str) else task.name
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(task=name, args=list(args), kwargs=dict(kwargs)) for args, kwargs in calls
    )
    if messages:
        transaction.on_commit(partial(_publish_committed, messages), robust=True)
    return len(messages)


def outbox_publishing_resume() -> None:
    """End this process's pause after a failed publish: the next commit publishes at once.
    For whoever knows the broker is back sooner than the pause says (a test that restarted it)."""
    global _paused_until
    _paused_until = 0.0


def _publish(message: OutboxMessage) -> str:
    """Send the message's task to the broker: "" once it is there, else what went wrong."""
    global _paused_until
    try:
        celery_app.send_task(
            message.task,
            args=message.args,
            kwargs=message.kwargs,
            ignore_result=True,  # no result is read; it also spares a result-backend connection
            retry=True,
            retry_policy=PUBLISH_RETRY_POLICY,
        )
    except Exception as error:  # the broker refused, timed out, is gone: the row waits
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
        logger.warning("Outbox: %s not published, left for the sweep: %r", message.task, error)
        return f"{type(error).__name__}: {error}"[:300]
    _paused_until = 0.0
    return ""


def _publish_committed(messages: list[OutboxMessage]) -> None:
    """After the commit: publish the transaction's messages and delete them. Never raises: what is
    not published waits for the sweep."""
    if time.monotonic() < _paused_until:
        return
    published = []
    for message in messages:
        if _publish(message):
            break
        published.append(message.pk)
    if published:
        try:
            OutboxMessage.objects.filter(pk__in=published).delete()
        except DatabaseError:  # the sweep publishes them again; the tasks are idempotent
            logger.exception("Outbox: published messages %s could not be deleted", published)


def outbox_publish_due(*, older_than: timedelta = SWEEP_AFTER) -> int:
    """Publish the messages that their commit did not (the broker was down, the process died),
    oldest first, until none is left or the broker fails; each failure is counted on its row.
    Rows being published by another sweep are skipped. Returns the number published."""
    published = 0
    while True:
        failure = ""
        with transaction.atomic():
            due = list(
                OutboxMessage.objects.select_for_update(skip_locked=True).filter(
                    created_at__lte=timezone.now() - older_than
                )[:SWEEP_BATCH]
            )
            done = []
            for message in due:
                failure = _publish(message)
                if failure:
                    OutboxMessage.objects.filter(pk=message.pk).update(
                        attempts=F("attempts") + 1, last_error=failure
                    )
                    break
                done.append(message.pk)
            OutboxMessage.objects.filter(pk__in=done).delete()
        published += len(done)
        if failure or len(due) < SWEEP_BATCH:
            return published
