from django import template
from django.utils.html import format_html

from cocreate.core.badges import status_badge_class
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
