from django.core import mail

from cocreate.notifications.models import Notification
from cocreate.notifications.tasks import send_notification_emails
from tests.factories.notifications import NotificationFactory


def test_a_task_goes_through_the_real_broker_to_a_real_worker_and_back(celery_worker):
    notification = NotificationFactory(title="Through the broker")

    result = send_notification_emails.delay([notification.pk])

    assert result.get(timeout=30) == 1
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None
    assert [message.subject for message in mail.outbox] == ["[CoCreate] Through the broker"]
