from django import template
from django.utils.html import format_html

from cocreate.core.badges import status_badge_class
from cocreate.core.dates import time_element
from cocreate.core.permissions import user_may

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with `changes` applied, e.g. to keep filters while paging."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def may(user, rule: str) -> bool:
    """`{% if user|may:"webhooks.use" %}`: a rule an app registered by name
    (cocreate/core/permissions.py)."""
    return user_may(user, rule)


@register.simple_tag
def status_badge(instance, field: str = "status", testid: str = ""):
    """`{% status_badge ticket %}` (or `{% status_badge item "state" testid="item-state" %}`):
    the field's label in a badge coloured as its app registered (cocreate/core/badges.py)."""
    label = getattr(instance, f"get_{field}_display")()
    css = " ".join(filter(None, ["badge", status_badge_class(instance, field)]))
    if testid:
        return format_html('<span class="{}" data-testid="{}">{}</span>', css, testid, label)
    return format_html('<span class="{}">{}</span>', css, label)


@register.filter(expects_localtime=True)
def when(value, style: str = ""):
    """A date or time as the date policy shows it (cocreate/core/dates.py), in the reader's
    time zone (or as it is inside `{% localtime off %}`):

        {{ post.created_at|when }}          relative within a week, exact on hover
        {{ ticket.created_at|when:"exact" }}  "Dec 5, 2026, 06:10" in a <time>
        {{ unit.warranty_ends_on|when }}    a date: "Dec 5, 2026"
        {{ product.launch_date|when:"month" }}  "December 2026" ("year", "time", "day" too)
        title="{{ article.updated_at|when:'text' }}"  the exact text alone (attributes, e-mails)
    """
    return time_element(value, style)
