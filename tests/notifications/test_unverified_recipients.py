"""Only verified addresses are e-mailed: an account that has not confirmed its address hears of
news in the app only, at once and in digests."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cocreate.notifications.models import Notification
from cocreate.notifications.services import notification_send
from cocreate.notifications.tasks import send_notification_emails
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db


def test_an_unverified_recipient_is_notified_in_the_app_only():
    verified = UserFactory()
    unverified = UserFactory(verified_email=False)

    created = notification_send(recipients=[verified, unverified], kind="test.event", title="News")
    send_notification_emails([notification.pk for notification in created])

    assert {n.recipient for n in created} == {verified, unverified}
    assert Notification.objects.get(recipient=unverified).send_email is False
    assert [message.to for message in mail.outbox] == [[verified.email]]


def test_an_address_unverified_after_queueing_is_not_e_mailed():
    notification = NotificationFactory(recipient=UserFactory(verified_email=False))

    assert send_notification_emails([notification.pk]) == 0

    assert mail.outbox == []


def test_who_may_be_e_mailed_is_one_query_whatever_the_number_of_recipients():
    few = [UserFactory() for _ in range(2)]
    many = [UserFactory() for _ in range(12)]
    counts = []
    for recipients in (few, many):
        with CaptureQueriesContext(connection) as queries:
            notification_send(recipients=recipients, kind="test.event", title="News")
        counts.append(len(queries))

    assert counts[0] == counts[1]
