"""Notifications read well: Markdown as safe HTML on the page, as plain text in e-mail, the page
grouped by the reader's days, and "Mark all as read"."""

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from cocreate.core.markup import markdown_to_text, render_markdown_inline
from cocreate.notifications.digests import digests_send
from cocreate.notifications.kinds import DIGEST_KIND
from cocreate.notifications.models import Notification
from cocreate.notifications.tasks import send_notification_emails
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

KB_TITLE = "New answer: [Aurora 3: battery drains overnight](/support/kb/12/) for **Aurora 4**"
HOSTILE = (
    '<script>alert("x")</script> [click](javascript:alert(1)) '
    '<img src=x onerror="alert(2)"> <a href="/x" onclick="alert(3)">raw</a>'
)


def _at(notification, moment):
    Notification.objects.filter(pk=notification.pk).update(created_at=moment)


def _page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("notifications:list"), params)
    assert response.status_code == 200
    return response.content.decode()


# --- The page ----------------------------------------------------------------------------------


def test_the_page_renders_markdown_titles_and_bodies(client):
    user = UserFactory()
    NotificationFactory(
        recipient=user, title=KB_TITLE, body="It says *why*:\n\n- one\n- two `code`"
    )

    html = _page(client, user)

    assert '<a href="/support/kb/12/" rel="nofollow noopener noreferrer">' in html
    assert "Aurora 3: battery drains overnight</a>" in html
    assert "<strong>Aurora 4</strong>" in html
    assert "**" not in html and "](/support" not in html
    assert "<em>why</em>" in html
    assert "<li>two <code>code</code></li>" in html


def test_a_title_is_one_line_without_blocks():
    html = render_markdown_inline("# Heading\n\n- item\n\n![x](/media/a.png)")

    for tag in ("<h1", "<p", "<ul", "<li", "<img"):
        assert tag not in html


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def test_hostile_titles_and_bodies_never_reach_the_page_as_html(client):
    user = UserFactory()
    NotificationFactory(recipient=user, title=HOSTILE, body=HOSTILE)

    html = _page(client, user)

    notifications = html[html.index('<ul class="notification-list">') : html.index("</main>")]
    parser = _Elements()
    parser.feed(notifications)
    tags = {tag for tag, _attrs in parser.elements}
    assert not tags & {"script", "img", "iframe"}
    for _tag, attrs in parser.elements:
        assert not [name for name in attrs if name.startswith("on")]
        assert not (attrs.get("href") or "").lower().startswith("javascript")
    assert "&lt;script&gt;" in notifications  # shown as text, harmless


def test_the_page_groups_by_day_today_yesterday_then_the_date(client):
    user = UserFactory(time_zone="UTC")
    now = timezone.now()
    for days_ago in (0, 1, 4):
        _at(
            NotificationFactory(recipient=user, title=f"{days_ago} days ago"),
            now - timedelta(days=days_ago),
        )

    html = _page(client, user)

    older = date_format(timezone.localdate(now - timedelta(days=4), UTC), "DATE_FORMAT")
    headings = [html.index(label) for label in (">Today<", ">Yesterday<", f">{older}<")]
    assert headings == sorted(headings)  # newest first
    assert html.index("0 days ago") < html.index(">Yesterday<") < html.index("1 days ago")
    assert html.index(f">{older}<") < html.index("4 days ago")


def test_days_are_the_readers_own_across_a_time_zone_boundary(client):
    day = timezone.localdate(timezone.now() - timedelta(days=6), UTC)
    evening = datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    late = evening + timedelta(hours=5)  # 20:00 UTC, 04:00 the next day in Shanghai
    utc_reader = UserFactory(time_zone="UTC")
    shanghai_reader = UserFactory(time_zone="Asia/Shanghai")
    for reader in (utc_reader, shanghai_reader):
        _at(NotificationFactory(recipient=reader, title="evening"), evening)
        _at(NotificationFactory(recipient=reader, title="late"), late)

    in_utc = _page(client, utc_reader)
    in_shanghai = _page(client, shanghai_reader)

    assert in_utc.count('class="notification-day-title"') == 1
    assert f">{date_format(day, 'DATE_FORMAT')}<" in in_utc
    assert in_shanghai.count('class="notification-day-title"') == 2
    next_day = late.astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert in_shanghai.index(f">{date_format(next_day, 'DATE_FORMAT')}<") < in_shanghai.index(
        "late"
    )
    assert in_shanghai.index("late") < in_shanghai.index(f">{date_format(day, 'DATE_FORMAT')}<")


def test_day_labels_are_in_the_readers_language(client):
    user = UserFactory(language="zh-hans")
    NotificationFactory(recipient=user)

    html = _page(client, user)

    with translation.override("zh-hans"):
        assert f">{translation.gettext('Today')}<" in html
    assert ">Today<" not in html


def test_pagination_carries_days_across_pages(client):
    user = UserFactory(time_zone="UTC")
    now = timezone.now()
    notifications = NotificationFactory.create_batch(30, recipient=user)
    for index, notification in enumerate(notifications):  # 30 over 3 days, 10 a day
        _at(notification, now - timedelta(days=index // 10, minutes=index))

    first = _page(client, user)
    second = _page(client, user, page=2)

    assert first.count('class="notification unread"') == 25
    assert second.count('class="notification unread"') == 5
    assert 'rel="next"' in first and 'rel="prev"' in second
    older = date_format(timezone.localdate(now - timedelta(days=2), UTC), "DATE_FORMAT")
    assert f">{older}<" in first and f">{older}<" in second  # the day goes on on page 2
    assert ">Today<" not in second


@pytest.mark.parametrize("count", [1, 10])
def test_the_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    user = UserFactory()
    client.force_login(user)
    now = timezone.now()
    for index, notification in enumerate(
        NotificationFactory.create_batch(count, recipient=user, body="**bold** [a](/b/)")
    ):
        _at(notification, now - timedelta(days=index))
    with django_assert_num_queries(5):  # the session comes from the cache
        client.get(reverse("notifications:list"))


def test_mark_all_as_read_from_the_page(client):
    user = UserFactory()
    NotificationFactory.create_batch(3, recipient=user)
    other = NotificationFactory()
    assert 'data-testid="mark-all-read"' in _page(client, user)

    response = client.post(reverse("notifications:read_all"))

    assert response.status_code == 302
    assert response.url == reverse("notifications:list")
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert not other.is_read
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "3 notifications marked as read."
    ]
    assert 'data-testid="mark-all-read"' not in _page(client, user)  # nothing left to mark


def test_mark_all_as_read_with_nothing_to_mark_says_so(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("notifications:read_all"), follow=True)

    assert "Nothing to mark: all your notifications are read." in response.content.decode()


def test_mark_all_as_read_needs_a_post_with_csrf(client):
    user = UserFactory()
    NotificationFactory(recipient=user)
    client.force_login(user)
    assert client.get(reverse("notifications:read_all")).status_code == 405

    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("notifications:read_all")).status_code == 403
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


# --- E-mail ------------------------------------------------------------------------------------


def test_markdown_as_plain_text():
    text = markdown_to_text(
        "See [the article](/support/kb/12/) on **Aurora 4**, or [this](https://example.com/x)."
        "\n\n- one\n- two\n\n1. first\n2. second"
    )

    site = settings.SITE_URL.rstrip("/")
    assert text == (
        f"See the article ({site}/support/kb/12/) on Aurora 4, or this (https://example.com/x)."
        "\n\n- one\n- two\n\n1. first\n2. second"
    )
    assert markdown_to_text("**Aurora 4** [x](/y)", links=False) == "Aurora 4 x"


def test_the_email_is_readable_plain_text_with_absolute_links():
    notification = NotificationFactory(
        title=KB_TITLE, body="The **fix**: [read it](/support/kb/12/)\n\n- charge\n- restart"
    )

    send_notification_emails([notification.pk])

    (message,) = mail.outbox
    site = settings.SITE_URL.rstrip("/")
    assert message.subject == (
        "[CoCreate] New answer: Aurora 3: battery drains overnight for Aurora 4"
    )
    assert f"The fix: read it ({site}/support/kb/12/)\n\n- charge\n- restart" in message.body
    assert "**" not in message.body and "](" not in message.body
    assert not getattr(message, "alternatives", [])  # plain text, as before


def test_a_digest_lists_titles_and_summaries_as_plain_text():
    reader = UserFactory(time_zone="UTC")
    item = NotificationFactory(
        recipient=reader, title=KB_TITLE, body="**Charge** to [80%](/kb/80/).", digest="daily"
    )
    _at(item, datetime(2026, 3, 1, 5, 0, tzinfo=UTC))

    assert digests_send(now=datetime(2026, 3, 1, 8, 0, tzinfo=UTC)) == 1
    send_notification_emails(
        list(
            Notification.objects.filter(recipient=reader, kind=DIGEST_KIND).values_list(
                "pk", flat=True
            )
        )
    )

    (message,) = mail.outbox
    site = settings.SITE_URL.rstrip("/")
    assert (
        f"New answer: Aurora 3: battery drains overnight ({site}/support/kb/12/) for Aurora 4"
        in message.body
    )
    assert f"Charge to 80% ({site}/kb/80/)." in message.body
    assert "**" not in message.body


def test_the_api_returns_the_markdown_as_written(client):
    notification = NotificationFactory(title=KB_TITLE, body="**bold**")
    client.force_login(notification.recipient)

    (item,) = client.get("/api/v1/notifications/").json()["results"]

    assert (item["title"], item["body"]) == (KB_TITLE, "**bold**")
