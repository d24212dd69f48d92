"""E-mails and notifications are written for their reader: language and time zone."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import lazy

from cocreate.notifications.services import notification_send
from cocreate.notifications.tasks import send_notification_emails
from partners.models import Invitation
from partners.tasks import send_invitation_email
from tests.factories.accounts import UserFactory
from tests.factories.partners import PartnerFactory

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)  # 2 March 04:30 in Shanghai


def _local_time() -> str:
    return timezone.localtime(MOMENT).strftime("%Y-%m-%d %H:%M")


local_time = lazy(_local_time, str)


def test_a_notification_is_rendered_in_the_recipients_time_zone():
    shanghai = UserFactory(time_zone="Asia/Shanghai")
    berlin = UserFactory(time_zone="Europe/Berlin")

    with timezone.override("UTC"):
        created = notification_send(
            recipients=[shanghai, berlin], kind="t", title="t", body=local_time(), email=False
        )

    bodies = {n.recipient_id: n.body for n in created}
    assert bodies[shanghai.pk] == "2026-03-02 04:30"
    assert bodies[berlin.pk] == "2026-03-01 21:30"


def test_an_unknown_time_zone_or_language_in_a_profile_is_the_default():
    reader = UserFactory()
    type(reader).objects.filter(pk=reader.pk).update(time_zone="Mars/Base", language="tlh")
    reader.refresh_from_db()

    (notification,) = notification_send(
        recipients=[reader], kind="t", title="t", body=local_time(), email=True
    )
    send_notification_emails([notification.pk])

    assert notification.body == "2026-03-01 20:30"
    assert len(mail.outbox) == 1


def test_an_invitation_to_an_existing_user_states_the_expiry_in_their_time_zone_and_language():
    UserFactory(email="li@example.com", time_zone="Asia/Shanghai", language="zh-hans")
    owner = UserFactory(language="en", time_zone="Europe/Berlin")
    invitation = Invitation.objects.create(
        partner=PartnerFactory(owners=[owner]),
        email="li@example.com",
        invited_by=owner,
        token="t" * 48,
        expires_at=MOMENT,
    )

    assert send_invitation_email(invitation.pk) is True

    (message,) = mail.outbox
    with translation.override("zh-hans"):
        expected = date_format(datetime(2026, 3, 2, 4, 30), "DATETIME_FORMAT")
    assert f"{expected} (CST)" in message.body
