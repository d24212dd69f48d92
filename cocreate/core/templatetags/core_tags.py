from django import template

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
    """`{% if user|may:"community.moderate" %}`: a rule an app registered by name
    (cocreate/core/permissions.py)."""
    return user_may(user, rule)
