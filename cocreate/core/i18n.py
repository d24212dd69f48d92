"""Each person's language and time zone: reading them safely and applying them.

A language code or time zone name comes from a profile, a cookie or a header: anything unknown
yields None here, and the caller falls back to the default (never an error page).
"""

import zoneinfo
from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header
from modeltranslation.utils import build_localized_fieldname

# The cookie our own script (static/js/app.js) sets to the browser's time zone, so pages show
# local times to visitors who are not signed in.
TIME_ZONE_COOKIE = "cocreate_tz"


@cache
def known_time_zones() -> frozenset[str]:
    """The IANA names available on this machine (read from disk once per process)."""
    return frozenset(zoneinfo.available_timezones())


def supported_language(code: str | None) -> str | None:
    """The site language for `code` ("zh-Hans", "zh-hans", "en-GB" …), or None when unsupported."""
    if not code or len(code) > 35:
        return None
    try:
        variant = translation.get_supported_language_variant(code)
    except LookupError:
        return None
    # Django answers in the caller's spelling ("zh-Hans"); we store and compare the code as
    # settings.LANGUAGES writes it.
    canonical = {language.lower(): language for language, _name in settings.LANGUAGES}
    return canonical.get(variant.lower(), variant)


def language_from_accept_header(header: str | None) -> str | None:
    """The first supported language of an Accept-Language header, or None."""
    for code, _quality in parse_accept_lang_header(header or ""):
        if code == "*":
            break
        language = supported_language(code)
        if language:
            return language
    return None


def time_zone_or_none(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name or name not in known_time_zones():
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def user_language(user) -> str:
    """The language in which `user` reads pages, e-mails and notifications."""
    return supported_language(getattr(user, "language", "")) or settings.LANGUAGE_CODE


def user_time_zone(user) -> zoneinfo.ZoneInfo:
    return time_zone_or_none(getattr(user, "time_zone", "")) or zoneinfo.ZoneInfo(
        settings.TIME_ZONE
    )


@contextmanager
def as_reader(user):
    """Render for `user`: their language and time zone (e-mails, notifications, exports)."""
    with translation.override(user_language(user)), timezone.override(user_time_zone(user)):
        yield


# A text is Chinese when at least this share of its letters are Han characters: Chinese says
# in two characters what English says in a word, so a few English terms in it do not tip it.
CHINESE_SHARE = 0.3


def detect_language(text: str) -> str:
    """The site language `text` is most likely written in: "zh-hans" or "en" (the default).

    A deliberately simple guess that the author can correct in the form.
    """
    from cocreate.core.search import HAN_RUN

    han = sum(len(run) for run in HAN_RUN.findall(text or ""))
    letters = sum(1 for character in text or "" if character.isalpha())
    if han and han >= CHINESE_SHARE * letters:
        return "zh-hans"
    return settings.LANGUAGE_CODE


def localized_columns(field: str) -> list[str]:
    """The columns that hold `field` in each site language ("name_en", "name_zh_hans"), for a
    content field registered in an app's translation.py (docs/i18n.md): a search vector over
    them finds a text in whichever language it was written."""
    return [build_localized_fieldname(field, code) for code, _name in settings.LANGUAGES]


def localized(path: str) -> Coalesce:
    """A translated field reached through a relation ("product__name" from a ticket) read in the
    active language, falling back as the model's own attribute does: the translation library
    rewrites lookups only on a translated model's own queries, so `values("product__name")` on
    a ticket would read whatever language was saved last."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    order = [language] + [
        code for code in settings.MODELTRANSLATION_FALLBACK_LANGUAGES if code != language
    ]
    columns = [build_localized_fieldname(path, code) for code in order]
    return Coalesce(*[NullIf(F(column), Value("")) for column in columns], output_field=TextField())
