from functools import cache

from django import template
from django.conf import settings
from django.utils import translation

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
