"""The notifications page in the browser: Markdown read as text with links, days, mark all read."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from cocreate.notifications.models import Notification
from tests.e2e.conftest import log_in, screenshot
from tests.factories.accounts import customer
from tests.factories.notifications import NotificationFactory


def test_notifications_read_well_and_can_all_be_marked_read(page, transactional_db, settings):
    li = customer(username="li", time_zone="Europe/Berlin")
    now = timezone.now()
    stories = [
        (
            "New answer: [Aurora 3: battery drains overnight](/support/kb/12/)",
            "An agent linked the article that fits your ticket:\n\n- charge to 80%\n- update "
            "the firmware",
            0,
        ),
        ("Your idea **Cap charging at 80%** was *planned* for **Aurora 4**", "", 0),
        ("@bob commented on your post `Charge limit`", "Let us cap charging at 80%.", 1),
        ("Your ticket #42 was answered", "Please clean the burr and try again.", 3),
    ]
    for title, body, days_ago in stories:
        notification = NotificationFactory(recipient=li, title=title, body=body, url="/support/")
        Notification.objects.filter(pk=notification.pk).update(
            created_at=now - timedelta(days=days_ago, minutes=5)
        )

    log_in(page, "li", settings.DEMO_PASSWORD)
    page.goto("/notifications/")
    link = page.get_by_role("link", name="Aurora 3: battery drains overnight")
    expect(link).to_have_attribute("href", "/support/kb/12/")
    expect(page.locator(".notification-title strong").first).to_have_text("Cap charging at 80%")
    expect(page.get_by_text("**")).to_have_count(0)
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.get_by_role("heading", name="Yesterday")).to_be_visible()
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, f"notifications-{width}")

    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("4 notifications marked as read.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    expect(page.locator(".notification.unread")).to_have_count(0)
