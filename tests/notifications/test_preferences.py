"""Per-group delivery preferences: the registry, notification_send honouring them, the page and
the API."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cocreate.notifications.kinds import (
    Delivery,
    kind_group,
    kind_groups,
    register_kind_group,
)
from cocreate.notifications.models import Notification, NotificationPreference
from cocreate.notifications.services import notification_preferences_set, notification_send
from cocreate.outbox.models import OutboxMessage
from community.models import Post
from tests.factories.accounts import UserFactory, agent, customer, designer
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

# Every kind the apps send (grep notification_send), each in a group.
SENT_KINDS = [
    "post.comment",
    "post.official_comment",
    "post.merged",
    *[f"post.{status}" for status in Post.Status.values],
    "community.new_post",
    "community.mention",
    "ticket.reply",
    "ticket.status",
    "ticket.shipment",
    "ticket.customer_reply",
    "ticket.reopened",
    "ticket.assigned",
    "ticket.sla_breached",
    "designers.surfaced",
    "designers.digest",
    "partners.application_submitted",
    "partners.application_approved",
    "partners.application_rejected",
    "partners.invitation",
    "partners.invitation_accepted",
]


def _send(user, kind, **kwargs):
    return notification_send(recipients=[user], kind=kind, title="News", url="/x/", **kwargs)[0]


def _emails_enqueued() -> int:
    return OutboxMessage.objects.filter(task__endswith="send_notification_emails").count()


# --- The registry -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", SENT_KINDS)
def test_every_kind_the_apps_send_is_in_a_group(kind):
    assert kind_group(kind) is not None


def test_the_documented_defaults():
    defaults = {group.name: group.default for group in kind_groups()}

    assert defaults["community.mentions"] == Delivery.EMAIL
    assert defaults["community.new_posts"] == Delivery.DAILY
    assert defaults["community.status_changes"] == Delivery.DAILY
    assert defaults["service_desk.replies"] == Delivery.EMAIL
    assert kind_group("ticket.reply").choices == (Delivery.EMAIL,)  # fixed: always e-mailed


def test_a_kind_belongs_to_one_group_only():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        register_kind_group("tests.other", "Other", kinds=["community.mention"], default="email")


def test_a_default_outside_the_choices_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        register_kind_group(
            "tests.bad", "Bad", kinds=["tests.bad"], default="daily", choices=["email"]
        )


# --- notification_send honours them -------------------------------------------------------------


def test_default_email_now_is_emailed():
    notification = _send(customer(), "community.mention")

    assert notification.send_email and notification.digest == ""
    assert _emails_enqueued() == 1


def test_in_app_only_gets_no_email():
    user = customer()
    NotificationPreference.objects.create(user=user, group="community.mentions", delivery="in_app")

    notification = _send(user, "community.mention")

    assert not notification.send_email and notification.digest == ""
    assert _emails_enqueued() == 0


def test_a_digest_kind_is_collected_not_emailed():
    notification = _send(customer(), "community.new_post")  # default: daily digest

    assert notification.digest == "daily" and not notification.send_email
    assert _emails_enqueued() == 0


def test_each_recipient_gets_their_own_choice():
    now, weekly, default = customer(), customer(), customer()
    NotificationPreference.objects.create(user=now, group="community.new_posts", delivery="email")
    NotificationPreference.objects.create(
        user=weekly, group="community.new_posts", delivery="weekly"
    )

    rows = notification_send(
        recipients=[now, weekly, default], kind="community.new_post", title="New post"
    )

    by_user = {row.recipient_id: (row.send_email, row.digest) for row in rows}
    assert by_user == {
        now.pk: (True, ""),
        weekly.pk: (False, "weekly"),
        default.pk: (False, "daily"),
    }


def test_the_senders_no_email_wins_over_the_preference():
    user = customer()
    NotificationPreference.objects.create(user=user, group="community.new_posts", delivery="email")

    notification = _send(user, "community.new_post", email=False)

    assert not notification.send_email and notification.digest == ""


@pytest.mark.parametrize(
    "fields",
    [{"email": ""}, {"email": "   "}, {"is_active": False}],
    ids=["none", "blank", "inactive"],
)
def test_someone_we_may_not_email_hears_in_the_app_only(fields):
    user = UserFactory(**fields)

    for kind in ("community.mention", "community.new_post", "ticket.reply"):
        notification = _send(user, kind)
        assert not notification.send_email and notification.digest == ""
    assert _emails_enqueued() == 0


def test_a_kind_in_no_group_is_emailed_at_once():
    notification = _send(customer(), "tests.unregistered")

    assert notification.send_email


def test_a_stored_choice_the_group_no_longer_offers_falls_back_to_its_default():
    user = customer()
    NotificationPreference.objects.create(user=user, group="service_desk.replies", delivery="daily")

    assert _send(user, "ticket.reply").send_email


def test_preferences_cost_one_query_for_all_recipients(django_assert_num_queries):
    users = [customer() for _ in range(5)]

    # savepoint, the preferences, who of them may be e-mailed (verified addresses), the
    # notifications, the e-mail's outbox message, release
    with django_assert_num_queries(6):
        notification_send(recipients=users, kind="community.mention", title="Hi")


# --- Changing them ------------------------------------------------------------------------------


def test_set_stores_only_what_differs_from_the_default():
    user = customer()

    notification_preferences_set(
        user=user, deliveries={"community.mentions": "weekly", "community.new_posts": "daily"}
    )
    assert dict(user.notification_preferences.values_list("group", "delivery")) == {
        "community.mentions": "weekly"
    }

    notification_preferences_set(user=user, deliveries={"community.mentions": "email"})
    assert not user.notification_preferences.exists()


@pytest.mark.parametrize(
    ("deliveries", "field"),
    [
        ({"nope.unknown": "email"}, "nope.unknown"),
        ({"community.mentions": "hourly"}, "community.mentions"),
        ({"service_desk.replies": "in_app"}, "service_desk.replies"),  # fixed
        ({"service_desk.desk": "daily"}, "service_desk.desk"),  # agents' only
    ],
)
def test_set_refuses_by_the_groups_name(deliveries, field):
    with pytest.raises(ValidationError) as refused:
        notification_preferences_set(user=customer(), deliveries=deliveries)

    assert set(refused.value.error_dict) == {field}
    assert not NotificationPreference.objects.exists()


def test_an_agent_may_choose_for_the_desk():
    sam = agent()

    notification_preferences_set(user=sam, deliveries={"service_desk.desk": "in_app"})

    assert not _send(sam, "ticket.assigned").send_email


def test_waiting_digest_notifications_move_with_the_choice():
    user = customer()
    waiting = _send(user, "community.new_post")
    taken = _send(user, "community.new_post")
    Notification.objects.filter(pk=taken.pk).update(digested_at=taken.created_at)
    other = _send(user, "post.planned")

    notification_preferences_set(user=user, deliveries={"community.new_posts": "weekly"})
    waiting.refresh_from_db()
    assert waiting.digest == "weekly"

    notification_preferences_set(user=user, deliveries={"community.new_posts": "in_app"})
    waiting.refresh_from_db()
    taken.refresh_from_db()
    other.refresh_from_db()
    assert (waiting.digest, taken.digest, other.digest) == ("", "daily", "daily")


# --- The page -----------------------------------------------------------------------------------


def test_page_lists_the_groups_the_person_receives(client):
    client.force_login(customer())

    html = client.get(reverse("notifications:preferences")).content.decode()

    assert "Mentions" in html and "New posts in communities I follow" in html
    assert "Desk work" not in html and "review queue" not in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'data-testid="fixed-delivery">Always: E-mail at once<' in html


def test_page_shows_the_desk_to_agents_and_the_queue_to_designers(client):
    client.force_login(agent())
    assert "Desk work" in client.get(reverse("notifications:preferences")).content.decode()
    client.force_login(designer())
    assert "review queue" in client.get(reverse("notifications:preferences")).content.decode()


def test_page_saves_the_choices(client):
    user = customer()
    client.force_login(user)

    response = client.post(
        reverse("notifications:preferences"),
        {"community.mentions": "daily", "community.new_posts": "weekly"},
    )

    assert response.status_code == 302
    assert dict(user.notification_preferences.values_list("group", "delivery")) == {
        "community.mentions": "daily",
        "community.new_posts": "weekly",
    }
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert re.search(r'name="community.mentions" value="daily"[^>]*checked', html)


def test_page_refuses_a_bad_choice_without_saving(client):
    user = customer()
    client.force_login(user)

    response = client.post(reverse("notifications:preferences"), {"community.mentions": "hourly"})

    assert response.status_code == 400
    assert not user.notification_preferences.exists()


def test_page_needs_a_login(client):
    response = client.get(reverse("notifications:preferences"))

    assert response.status_code == 302 and "/login/" in response.url


def test_page_warns_when_there_is_no_email_address(client):
    client.force_login(UserFactory(email=""))

    assert (
        'data-testid="no-email"'
        in client.get(reverse("notifications:preferences")).content.decode()
    )


def test_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    user = customer()
    client.force_login(user)
    client.get(reverse("notifications:preferences"))  # warm the content types and such

    # (one of them: whether the reader's address is verified, to say if e-mail is possible; the
    # session and the roles come from the cache)
    with django_assert_num_queries(4):
        client.get(reverse("notifications:preferences"))
    for group in ("community.mentions", "community.new_posts", "community.adopted"):
        NotificationPreference.objects.create(user=user, group=group, delivery="weekly")
    NotificationFactory.create_batch(5, recipient=user)
    with django_assert_num_queries(4):
        client.get(reverse("notifications:preferences"))


def test_profile_links_to_the_preferences(client):
    client.force_login(customer())

    html = client.get(reverse("profile")).content.decode()

    assert f'href="{reverse("notifications:preferences")}"' in html


# --- The API ------------------------------------------------------------------------------------


def test_api_reads_the_preferences(client):
    user = customer(time_zone="Asia/Shanghai")
    NotificationPreference.objects.create(user=user, group="community.mentions", delivery="weekly")
    client.force_login(user)

    body = client.get("/api/v1/notifications/preferences/").json()

    assert body["can_email"] is True and body["time_zone"] == "Asia/Shanghai"
    assert body["digest_hour"] == 7
    groups = {group["group"]: group for group in body["groups"]}
    assert groups["community.mentions"]["delivery"] == "weekly"
    assert groups["community.mentions"]["default"] == "email"
    assert groups["service_desk.replies"]["fixed"] is True
    assert groups["service_desk.replies"]["choices"] == ["email"]
    assert "service_desk.desk" not in groups


def test_api_changes_the_groups_named(client):
    user = customer()
    client.force_login(user)

    response = client.patch(
        "/api/v1/notifications/preferences/",
        {"community.new_posts": "weekly"},
        content_type="application/json",
    )

    assert response.status_code == 200
    groups = {group["group"]: group["delivery"] for group in response.json()["groups"]}
    assert groups["community.new_posts"] == "weekly"
    assert groups["community.mentions"] == "email"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"community.mentions": "hourly"}, "community.mentions"),
        ({"community.mentions": 3}, "community.mentions"),
        ({"service_desk.replies": "daily"}, "service_desk.replies"),
        ({"service_desk.desk": "daily"}, "service_desk.desk"),
        ({"whatever": "email"}, "whatever"),
        (["community.mentions"], "non_field_errors"),
    ],
)
def test_api_refuses_bad_input_with_a_400(client, body, field):
    user = customer()
    client.force_login(user)

    response = client.patch(
        "/api/v1/notifications/preferences/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not user.notification_preferences.exists()


def test_api_needs_authentication(client):
    assert client.get("/api/v1/notifications/preferences/").status_code in (401, 403)


def test_staff_see_the_choices_in_the_admin(client):
    from tests.factories.accounts import staff

    NotificationPreference.objects.create(
        user=customer(), group="community.mentions", delivery="weekly"
    )
    client.force_login(staff())

    response = client.get("/admin/notifications/notificationpreference/")

    assert response.status_code == 200 and "community.mentions" in response.content.decode()
