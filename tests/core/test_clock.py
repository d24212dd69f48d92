"""cocreate.core.clock: the time writes are stamped with, set for a block by the caller only."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from cocreate.core import clock
from cocreate.notifications.models import Notification
from cocreate.notifications.services import notification_send
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_rows_written_in_a_clock_block_carry_its_moment():
    # Given a moment three days ago
    alice = UserFactory()
    moment = timezone.now() - timedelta(days=3)

    # When a notification is sent within the block, and another after it
    with clock.clock_at(moment):
        told_then = notification_send(recipients=[alice], kind="test", title="Then")[0]
        assert clock.now() == moment
    told_now = notification_send(recipients=[alice], kind="test", title="Now")[0]

    # Then the first carries the moment, the second the real time
    assert Notification.objects.get(pk=told_then.pk).created_at == moment
    assert told_now.created_at > moment + timedelta(days=2)


def test_another_thread_keeps_the_real_time():
    # Given a block set three days back
    moment = timezone.now() - timedelta(days=3)
    seen = []

    # When another thread asks for the time while it runs
    with clock.clock_at(moment):
        thread = threading.Thread(target=lambda: seen.append(clock.now()))
        thread.start()
        thread.join()

    # Then it got the real time
    assert seen[0] > moment + timedelta(days=2)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError), clock.clock_at(timezone.now().replace(tzinfo=None)):
        pass
