import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from cocreate.notifications.models import Notification
from cocreate.notifications.services import notification_send
from cocreate.notifications.tasks import send_notification_emails
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db


def test_send_creates_one_notification_per_recipient_and_mails_after_commit(
    django_capture_on_commit_callbacks,
):
    alice, bob = UserFactory(), UserFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        created = notification_send(
            recipients=[alice, bob, alice], kind="test.event", title="Hello", url="/x/"
        )

    assert {n.recipient for n in created} == {alice, bob}
    assert len(callbacks) == 1  # one e-mail task for the batch, enqueued only once committed


def test_dedupe_key_notifies_each_recipient_once():
    designer = UserFactory()

    notification_send(recipients=[designer], kind="review.new", title="New item", dedupe_key="k1")
    notification_send(recipients=[designer], kind="review.new", title="New item", dedupe_key="k1")

    assert Notification.objects.filter(recipient=designer).count() == 1


def test_email_task_sends_once_even_when_run_twice():
    notification = NotificationFactory(title="Your ticket was answered")

    assert send_notification_emails([notification.pk]) == 1
    assert send_notification_emails([notification.pk]) == 0

    assert len(mail.outbox) == 1
    assert "Your ticket was answered" in mail.outbox[0].subject
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_email_task_ignores_a_deleted_notification():
    assert send_notification_emails([987654]) == 0


def test_title_is_written_in_the_recipients_language():
    chinese_reader = UserFactory(language="zh-hans")

    with translation.override("en"):
        (notification,) = notification_send(
            recipients=[chinese_reader], kind="t", title=gettext_lazy("Language"), email=False
        )

    with translation.override("zh-hans"):
        expected = str(gettext_lazy("Language"))
    assert notification.title == expected


def test_list_page_shows_own_notifications_and_unread_count(client, django_assert_num_queries):
    user = UserFactory()
    NotificationFactory.create_batch(3, recipient=user)
    NotificationFactory(title="Someone else's")
    client.force_login(user)

    response = client.get(reverse("notifications:list"))

    html = response.content.decode()
    assert html.count('class="notification unread"') == 3
    assert "Someone else" not in html
    assert 'data-testid="unread-count">3<' in html


def test_list_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    user = UserFactory()
    client.force_login(user)
    NotificationFactory.create_batch(2, recipient=user)
    # The session comes from the cache; the roles too from the second page on.
    with django_assert_num_queries(5):
        client.get(reverse("notifications:list"))
    NotificationFactory.create_batch(20, recipient=user)
    with django_assert_num_queries(4):
        client.get(reverse("notifications:list"))


def test_opening_marks_read_and_follows_the_link(client):
    notification = NotificationFactory(url="/support/")
    client.force_login(notification.recipient)

    response = client.post(reverse("notifications:open", args=[notification.pk]))

    assert response.url == "/support/"
    notification.refresh_from_db()
    assert notification.is_read


def test_opening_someone_elses_notification_is_404(client):
    notification = NotificationFactory()
    client.force_login(UserFactory())

    assert client.post(reverse("notifications:open", args=[notification.pk])).status_code == 404


def test_api_lists_own_newest_first_and_marks_read(client):
    user = UserFactory()
    older = NotificationFactory(recipient=user, title="older")
    newer = NotificationFactory(recipient=user, title="newer")
    NotificationFactory(title="not mine")
    client.force_login(user)

    body = client.get("/api/v1/notifications/").json()
    assert body["count"] == 2
    assert [n["title"] for n in body["results"]] == ["newer", "older"]
    assert set(body) == {"count", "next", "previous", "results"}

    read = client.post(f"/api/v1/notifications/{newer.pk}/read/").json()
    assert read["is_read"] is True
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 1

    assert client.post("/api/v1/notifications/read-all/").json() == {"marked_read": 1}
    older.refresh_from_db()
    assert older.is_read


def test_api_hides_other_peoples_notifications(client):
    client.force_login(UserFactory())

    response = client.post(f"/api/v1/notifications/{NotificationFactory().pk}/read/")

    assert response.status_code == 404
