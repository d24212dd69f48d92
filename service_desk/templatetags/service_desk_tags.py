from functools import cache

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from cocreate.core import clock
from cocreate.core.dates import exact

from .. import shared_parts
from ..models import Category, Priority, Shipment, Ticket

register = template.Library()

_SLA_BADGES = {
    "on_track": "badge badge-ok",
    "at_risk": "badge badge-warn",
    "breached": "badge badge-danger",
}
_PRIORITY_BADGES = {
    1: "badge badge-muted",
    2: "badge",
    3: "badge badge-warn",
    4: "badge badge-danger",
}


@register.filter
def sla_badge(state: str) -> str:
    return _SLA_BADGES.get(state, "badge")


@register.filter
def priority_badge(priority: int) -> str:
    return _PRIORITY_BADGES.get(priority, "badge")


@register.filter
def choice_label(instance, field_name: str) -> str:
    """`{{ ticket|choice_label:"category" }}`: what `ticket.get_category_display()` says, from a
    table made once per language; Django's rebuilds the choices and hashes each lazy label on
    every call, which is most of a queue row's cost."""
    value = getattr(instance, field_name)
    labels = _choice_labels(type(instance), field_name, translation.get_language())
    return labels.get(value, value)


@cache
def _choice_labels(model, field_name: str, language: str) -> dict:
    with translation.override(language):
        return {key: str(label) for key, label in model._meta.get_field(field_name).flatchoices}


# Choices whose labels a ticket event records as its old or new value.
_EVENT_CHOICES = (Ticket.Status, Priority, Category, Shipment.Status, Shipment.Direction)


@cache
def _choices_by_label() -> dict:
    """Each of those labels, as it reads in every language of the site, → its choice."""
    known = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for choices in _EVENT_CHOICES:
                for choice in choices:
                    known.setdefault(str(choice.label), choice)
    return known


@register.filter
def event_value(value: str) -> str:
    """A ticket event's old or new value in the reader's language.

    Events keep the label as it read for whoever acted (rows are append-only), alone or as one
    side of "label: detail" / "detail: label"; names, titles and numbers are shown as stored.
    """
    known = _choices_by_label()
    if value in known:
        return known[value].label
    head, separator, tail = value.partition(": ")
    if separator and head in known:
        return f"{known[head].label}: {tail}"
    if separator and tail in known:
        return f"{head}: {known[tail].label}"
    return value


def _span(seconds: float) -> tuple[str, int]:
    """A duration as the one unit a reader takes in at a glance: minutes below an hour, hours
    below two days, then days (each rounded to the nearest, at least 1)."""
    seconds = abs(seconds)
    if (minutes := round(seconds / 60)) < 60:
        return "minutes", max(minutes, 1)
    if (hours := round(seconds / 3600)) < 48:
        return "hours", hours
    return "days", round(seconds / 86400)


def countdown_text(seconds: float) -> str:
    """ "due in 3 hours" for a target `seconds` ahead, "overdue by 1 day" for one behind."""
    unit, count = _span(seconds)
    if seconds >= 0:
        texts = {
            "minutes": ngettext("due in %(count)d minute", "due in %(count)d minutes", count),
            "hours": ngettext("due in %(count)d hour", "due in %(count)d hours", count),
            "days": ngettext("due in %(count)d day", "due in %(count)d days", count),
        }
    else:
        texts = {
            "minutes": ngettext(
                "overdue by %(count)d minute", "overdue by %(count)d minutes", count
            ),
            "hours": ngettext("overdue by %(count)d hour", "overdue by %(count)d hours", count),
            "days": ngettext("overdue by %(count)d day", "overdue by %(count)d days", count),
        }
    return texts[unit] % {"count": count}


def countdown_reading(due_at, paused, now) -> tuple:
    """All `{% countdown %}` at `now` shows of `due_at` but the exact time: "paused", or
    whether it is due or overdue and the unit and count its text names."""
    if paused:
        return ("paused",)
    seconds = (due_at - now).total_seconds()
    return ("due" if seconds >= 0 else "overdue", *_span(seconds))


@register.simple_tag
def countdown(due_at, paused=False):
    """An SLA target as a countdown from now (cocreate.core.clock), the exact time in the
    reader's time zone on hover; "paused" while the clock is paused (`paused`: a truthy value,
    such as the ticket's paused_at), since the target moves when it runs again.

        {% countdown ticket.resolution_due_at paused=ticket.paused_at %}
    """
    if due_at is None:
        return ""
    exact_text = exact(due_at)
    if paused:
        text, state = gettext("paused"), "paused"
    else:
        seconds = (due_at - clock.now()).total_seconds()
        text, state = countdown_text(seconds), ("due" if seconds >= 0 else "overdue")
    return format_html(
        '<time class="sd-countdown sd-countdown-{}" datetime="{}" title="{}">{}</time>',
        state,
        due_at.isoformat(),
        exact_text,
        text,
    )


@register.simple_tag(takes_context=True)
def conversation_messages(context):
    return shared_parts.render_messages(context)


@register.simple_tag(takes_context=True)
def history_events(context):
    return shared_parts.render_history(context)
