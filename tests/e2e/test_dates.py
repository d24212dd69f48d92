"""Relative times stay current in the browser (static/js/dates.js; docs/conventions.md, "Dates
and times"): the script rewrites them from their datetime attribute, in the page's language."""

from datetime import timedelta

from django.utils import timezone

from tests.factories.community import PostFactory

# Move the post's moment three hours back and let the script run, as it does after an htmx swap.
AGE_AND_REFRESH = """([selector, moment]) => {
  const element = document.querySelector(selector);
  element.setAttribute("datetime", moment);
  document.dispatchEvent(new Event("htmx:afterSettle"));
  return element.textContent;
}"""


def test_relative_times_are_rewritten_from_their_datetime(page, transactional_db):
    post = PostFactory()
    page.goto(post.get_absolute_url())
    selector = "time[data-relative]"
    assert page.locator(selector).first.text_content() == "now"

    earlier = (timezone.now() - timedelta(hours=3, minutes=5)).isoformat()
    assert page.evaluate(AGE_AND_REFRESH, [selector, earlier]) == "3 hours ago"

    page.evaluate("document.documentElement.lang = 'zh-hans'")
    assert page.evaluate(AGE_AND_REFRESH, [selector, earlier]) == "3小时前"

    # Past the week it shows the exact moment the server put in the title.
    long_ago = (timezone.now() - timedelta(days=8)).isoformat()
    shown = page.evaluate(AGE_AND_REFRESH, [selector, long_ago])
    assert shown == page.locator(selector).first.get_attribute("title")
