"""The date policy: how every page and e-mail shows a date or a time (docs/conventions.md).

- The medium formats of the reader's language (cocreate/formats/: "Dec 5, 2026, 06:10",
  "2026年12月5日 06:10") in the reader's time zone; a date without a time gets the date alone.
- On pages, a moment within RELATIVE_WINDOW of now reads relative ("3 minutes ago", "in 2
  days"), with the exact moment on hover: `<time datetime="…" title="…">`. static/js/dates.js
  keeps the relative text current on pages that stay open or were cached; without it the
  server's text stays.
- E-mails and attributes take the exact text (`exact`), never a relative one: a mail is read
  hours after it was written.

Templates use the `when` filter (cocreate/core/templatetags/dates.py); Python code that writes
text (e-mails, digests, chart axes) uses `exact`, `day_label` and `relative` from here.
"""

from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

RELATIVE_WINDOW = timedelta(days=7)

# style → the Django format name it shows; "" and "exact" show DATETIME_FORMAT for a moment
# and DATE_FORMAT for a date.
STYLES = {
    "": None,
    "exact": None,
    "date": "DATE_FORMAT",
    "month": "YEAR_MONTH_FORMAT",
    "year": "Y",
    "time": "TIME_FORMAT",
    "day": "MONTH_DAY_FORMAT",
    "weekday": None,  # "Sat 06:10": a weekday and a time of day
}
# What the datetime attribute holds for each style (HTML's valid date and time strings).
_MACHINE = {"month": "%Y-%m", "year": "%Y"}


def _is_moment(value) -> bool:
    return isinstance(value, datetime)


def _format(value: date | time, style: str) -> str:
    if isinstance(value, time):
        return formats.time_format(value, "TIME_FORMAT")
    if style == "weekday":
        return f"{formats.date_format(value, 'D')} {formats.time_format(value, 'TIME_FORMAT')}"
    name = STYLES[style] or ("DATETIME_FORMAT" if _is_moment(value) else "DATE_FORMAT")
    if style == "date" and _is_moment(value):
        value = value.date()
    return formats.date_format(value, name)


def _local(value: date) -> date:
    """A moment in the active time zone; a date as it is."""
    if _is_moment(value) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def exact(value: date | None, style: str = "") -> str:
    """The exact text, in the active language and time zone: for e-mails, titles, attributes.

    `style` is one of STYLES ("date", "month", "time" …); "" is the date and time of a moment
    or the date of a date."""
    if value in (None, ""):
        return ""
    return _format(_local(value), style)


def relative(value: datetime, now: datetime | None = None) -> str | None:
    """ "3 minutes ago", "in 2 days", "now": a moment within RELATIVE_WINDOW of `now`
    (default: the real time), else None. Counts are whole units, rounded towards zero, as
    static/js/dates.js counts them."""
    seconds = (value - (now or timezone.now())).total_seconds()
    distance = abs(seconds)
    if distance >= RELATIVE_WINDOW.total_seconds():
        return None
    if distance < 60:
        return gettext("now")
    past = seconds < 0
    if distance < 3600:
        count = int(distance // 60)
        text = (
            ngettext("%(count)d minute ago", "%(count)d minutes ago", count)
            if past
            else ngettext("in %(count)d minute", "in %(count)d minutes", count)
        )
    elif distance < 86400:
        count = int(distance // 3600)
        text = (
            ngettext("%(count)d hour ago", "%(count)d hours ago", count)
            if past
            else ngettext("in %(count)d hour", "in %(count)d hours", count)
        )
    else:
        count = int(distance // 86400)
        text = (
            ngettext("%(count)d day ago", "%(count)d days ago", count)
            if past
            else ngettext("in %(count)d day", "in %(count)d days", count)
        )
    return text % {"count": count}


def _machine(value: date | time, style: str) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if style in _MACHINE:
        return value.strftime(_MACHINE[style])
    if _is_moment(value) and style not in ("date", "day"):
        return value.isoformat()
    return (value.date() if _is_moment(value) else value).isoformat()


def time_element(
    value: date | time | None, style: str = "", now: datetime | None = None
) -> SafeString | str:
    """`<time datetime="ISO" title="exact">text</time>` for a value already in the time zone
    it should show in (templates convert it; see the `when` filter). The default style reads
    relative near `now` (data-relative tells dates.js to keep it current); the others are
    exact. A moment carries its exact date and time in the title; a date needs none. The word
    "text" after a style (or alone) gives the plain exact text, for attributes and e-mails:
    "date text", "text"."""
    if value in (None, ""):
        return ""
    words = style.split()
    plain = "text" in words
    style = next((word for word in words if word != "text"), "")
    text = _format(value, style)
    if plain:
        return text
    machine = _machine(value, style)
    if not _is_moment(value):  # a date or a time of day
        return format_html('<time datetime="{}">{}</time>', machine, text)
    title = _format(value, "")
    near = relative(value, now) if style == "" else None
    if near is not None:
        return format_html(
            '<time datetime="{}" title="{}" data-relative>{}</time>', machine, title, near
        )
    return format_html('<time datetime="{}" title="{}">{}</time>', machine, title, text)


def day_label(value: date) -> str:
    """A day on a chart axis or a list heading: month and day ("Dec 5", "12月5日")."""
    return formats.date_format(value, "MONTH_DAY_FORMAT")
