"""The date policy (cocreate/core/dates.py): one filter, medium formats in the reader's language
and time zone, relative times within a week of now with the exact moment on hover."""

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template, engines
from django.utils import timezone, translation

from cocreate.core.dates import RELATIVE_WINDOW, exact, relative, time_element

MOMENT = datetime(2025, 12, 5, 6, 10, tzinfo=UTC)  # well outside the relative window


def render(source: str, **context) -> str:
    return Template("{% load core_tags %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        ("en", "UTC", "Dec 5, 2025, 06:10"),
        ("en", "America/New_York", "Dec 5, 2025, 01:10"),
        ("en", "Pacific/Honolulu", "Dec 4, 2025, 20:10"),
        ("zh-hans", "Asia/Shanghai", "2025年12月5日 14:10"),
        ("zh-hans", "UTC", "2025年12月5日 06:10"),
    ],
)
def test_a_moment_reads_in_the_readers_language_and_time_zone(language, zone, expected):
    with translation.override(language), timezone.override(zone):
        html = render("{{ moment|when }}", moment=MOMENT)
        assert exact(MOMENT) == expected
    assert (
        html
        == f'<time datetime="{timezone.localtime(MOMENT, ZoneInfo(zone)).isoformat()}" title="{expected}">{expected}</time>'
    )


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "Dec 5, 2026"), ("zh-hans", "2026年12月5日")]
)
def test_a_date_reads_as_a_date_alone_and_never_relative(language, expected):
    today = timezone.localdate()
    with translation.override(language):
        assert render("{{ day|when }}", day=date(2026, 12, 5)) == (
            f'<time datetime="2026-12-05">{expected}</time>'
        )
        # Even today's date: a date has no time of day to count from.
        assert "data-relative" not in render("{{ day|when }}", day=today)


@pytest.mark.parametrize(
    ("language", "offset", "expected"),
    [
        ("en", timedelta(seconds=-20), "now"),
        ("en", timedelta(minutes=-3, seconds=-5), "3 minutes ago"),
        ("en", timedelta(minutes=-1, seconds=-1), "1 minute ago"),
        ("en", timedelta(hours=-5, minutes=-1), "5 hours ago"),
        ("en", timedelta(days=-1, minutes=-1), "1 day ago"),
        ("en", timedelta(days=2, minutes=1), "in 2 days"),
        ("en", timedelta(minutes=10, seconds=5), "in 10 minutes"),
        ("zh-hans", timedelta(minutes=-3, seconds=-5), "3分钟前"),
        ("zh-hans", timedelta(days=2, minutes=1), "2天后"),
        ("zh-hans", timedelta(seconds=10), "现在"),
        ("zh-hans", timedelta(hours=-1, minutes=-1), "1小时前"),
    ],
)
def test_the_recent_past_and_near_future_read_relative(language, offset, expected):
    now = timezone.now()
    with translation.override(language), timezone.override("Asia/Tokyo"):
        html = render("{{ moment|when }}", moment=now + offset)
        assert relative(now + offset, now) == expected
    assert f"data-relative>{expected}</time>" in html
    # The exact moment is on hover, in the reader's zone.
    with translation.override(language), timezone.override("Asia/Tokyo"):
        assert f'title="{exact(now + offset)}"' in html


def test_the_window_ends_at_seven_days_either_way():
    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    just_inside = RELATIVE_WINDOW - timedelta(seconds=1)
    with translation.override("en"):
        assert relative(now - just_inside, now) == "6 days ago"
        assert relative(now + just_inside, now) == "in 6 days"
        assert relative(now - RELATIVE_WINDOW, now) is None
        assert relative(now + RELATIVE_WINDOW, now) is None
        assert relative(now - timedelta(seconds=59), now) == "now"
        assert relative(now - timedelta(seconds=60), now) == "1 minute ago"
        assert relative(now - timedelta(minutes=59, seconds=59), now) == "59 minutes ago"
        assert relative(now - timedelta(hours=1), now) == "1 hour ago"
        assert relative(now + timedelta(hours=23, minutes=59), now) == "in 23 hours"
        assert relative(now + timedelta(hours=24), now) == "in 1 day"
        # Beyond the window the moment reads exact, with no data-relative for the script.
        html = time_element(now - timedelta(days=8), now=now)
    assert html == (
        '<time datetime="2026-11-27T12:00:00+00:00" title="Nov 27, 2026, 12:00">'
        "Nov 27, 2026, 12:00</time>"
    )


def test_styles_for_months_years_times_and_attributes():
    with translation.override("en"), timezone.override("UTC"):
        assert render('{{ d|when:"month" }}', d=date(2026, 12, 5)) == (
            '<time datetime="2026-12">December 2026</time>'
        )
        assert render('{{ d|when:"year" }}', d=date(2026, 12, 5)) == (
            '<time datetime="2026">2026</time>'
        )
        assert render('{{ m|when:"time" }}', m=MOMENT) == (
            '<time datetime="2025-12-05T06:10:00+00:00" title="Dec 5, 2025, 06:10">06:10</time>'
        )
        assert render('{{ t|when:"time" }}', t=time(7, 5)) == '<time datetime="07:05">07:05</time>'
        assert render('{{ m|when:"date" }}', m=MOMENT) == (
            '<time datetime="2025-12-05" title="Dec 5, 2025, 06:10">Dec 5, 2025</time>'
        )
        assert render("<b title=\"{{ m|when:'text' }}\">", m=MOMENT) == (
            '<b title="Dec 5, 2025, 06:10">'
        )
        assert render("{{ m|when:'date text' }}", m=MOMENT) == "Dec 5, 2025"
        assert render('{{ m|when:"weekday" }}', m=MOMENT).endswith(">Fri 06:10</time>")
    with translation.override("zh-hans"), timezone.override("UTC"):
        assert render('{{ d|when:"month" }}', d=date(2026, 12, 5)).endswith(">2026年12月</time>")
        assert render("{{ m|when:'text' }}", m=MOMENT) == "2025年12月5日 06:10"


def test_localtime_off_keeps_the_moments_ownZoneInfo():
    # The desk's customer panel shows the customer's local time, not the agent's.
    in_shanghai = timezone.localtime(MOMENT, ZoneInfo("Asia/Shanghai"))
    with translation.override("en"), timezone.override("America/New_York"):
        html = render(
            '{% load tz %}{% localtime off %}{{ m|when:"weekday" }}{% endlocaltime %}',
            m=in_shanghai,
        )
    assert html.endswith(">Fri 14:10</time>")


def test_empty_values_render_nothing():
    assert render("{{ missing|when }}") == ""
    assert render("{{ none|when }}", none=None) == ""


TEMPLATE_DIRS = [
    Path(settings.BASE_DIR) / name
    for name in (
        "templates",
        "cocreate",
        "community",
        "designers",
        "partners",
        "products",
        "service_desk",
    )
]
# Django's own date and time filters and tags: every date goes through `when` instead.
BARE = re.compile(r"\|date\b|\|time\b|\|timesince|\|timeuntil|\|naturaltime|\|naturalday|\{% now ")

IN_ATTRIBUTE = re.compile(r'\w="[^"]*\|when(?![^"]*text)[^"]*"')


def test_no_template_formats_a_date_itself():
    templates = [
        path
        for folder in TEMPLATE_DIRS
        for path in folder.rglob("*")
        if "templates" in path.parts and path.suffix in (".html", ".txt")
    ]
    assert len(templates) > 100
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if BARE.search(line)
        # A <time> element cannot go in an attribute or a plain-text e-mail: "text" style there.
        or IN_ATTRIBUTE.search(line)
        or (path.suffix == ".txt" and re.search(r"\|when(?!:[\"'][^\"']*text)", line))
    ]
    assert offenders == [], "use {{ value|when }} (cocreate/core/dates.py):\n" + "\n".join(
        offenders
    )


def test_every_template_that_uses_the_filter_loads_it():
    # A template compiles with the libraries it loads itself (includes load their own).
    compiled = 0
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*"):
            if "templates" in path.parts and path.suffix in (".html", ".txt"):
                source = path.read_text()
                if "|when" in source:
                    engines["django"].from_string(source)
                    compiled += 1
    assert compiled > 20  # the pages and e-mails that show dates were found and compiled
