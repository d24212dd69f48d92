from django import template

from cocreate.accounts.devices import device_label

register = template.Library()


@register.filter
def device(user_agent: str) -> str:
    """`{{ session.user_agent|device }}`: "Firefox on Windows" (cocreate.accounts.devices)."""
    return device_label(user_agent or "")
