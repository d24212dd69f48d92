"""Money is a Decimal amount with an ISO 4217 currency; amounts in different currencies never add."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from babel import UnknownLocaleError
from babel.numbers import format_currency
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Active ISO 4217 codes (funds and precious metals left out).
ISO_4217_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
    GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
    KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
    NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES
    VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905
)


def validate_currency(value: str) -> None:
    if value not in ISO_4217_CODES:
        raise ValidationError(
            _("%(value)s is not an ISO 4217 currency code."), params={"value": value}
        )


class CurrencyField(models.CharField):
    """A three-letter ISO 4217 code."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("verbose_name", _("currency"))
        super().__init__(*args, **kwargs)
        self.validators.append(validate_currency)


def sum_by_currency(amounts: Iterable[tuple[Decimal, str]]) -> dict[str, Decimal]:
    """Add (amount, currency) pairs per currency: {"EUR": Decimal("12.50"), "USD": …}."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for amount, currency in amounts:
        totals[currency] += amount
    return dict(totals)


def format_money(amount: Decimal | None, currency: str, language: str | None = None) -> str:
    """`amount` in `currency` as a reader of `language` (default: the active one) writes it:
    "€1,234.50" in English, "1.234,50 €" in German, "US$1,234.50" in Chinese (CLDR data)."""
    if amount is None:
        return ""
    locale = translation.to_locale(language or translation.get_language() or "en")
    try:
        return format_currency(amount, currency, locale=locale)
    except UnknownLocaleError:
        return format_currency(amount, currency, locale="en")
