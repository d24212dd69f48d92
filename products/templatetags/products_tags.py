from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cocreate.core.money import format_money

register = template.Library()

BILLING_SUFFIXES = {"monthly": _("/ month"), "yearly": _("/ year")}


@register.filter
def money(amount: Decimal | None, currency: str = settings.DEFAULT_CURRENCY) -> str:
    """`{{ part.price|money:part.currency }}` → "€1,299.00", in the reader's locale format."""
    return format_money(amount, currency)


@register.filter
def billing_suffix(billing: str) -> str:
    return str(BILLING_SUFFIXES.get(billing, ""))


@register.filter
def spec_label(key: str) -> str:
    """Spec keys are labels ("GPU clearance"); a snake_case key ("water_resistance") from an
    integration reads as words."""
    text = str(key).strip()
    if "_" not in text:
        return text
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:]
