from django import template

register = template.Library()

_STATUS_BADGES = {
    "new": "badge",
    "open": "badge badge-accent",
    "pending_customer": "badge badge-warn",
    "resolved": "badge badge-ok",
    "closed": "badge badge-muted",
}
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
def status_badge(status: str) -> str:
    return _STATUS_BADGES.get(status, "badge")


@register.filter
def sla_badge(state: str) -> str:
    return _SLA_BADGES.get(state, "badge")


@register.filter
def priority_badge(priority: int) -> str:
    return _PRIORITY_BADGES.get(priority, "badge")
