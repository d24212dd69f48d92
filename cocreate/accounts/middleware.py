from django.utils import timezone, translation

from cocreate.core.i18n import (
    TIME_ZONE_COOKIE,
    language_from_accept_header,
    supported_language,
    time_zone_or_none,
)

API_PREFIX = "/api/"


class UserPreferencesMiddleware:
    """Pages in the reader's language and time zone.

    Language, first found wins: the signed-in user's saved preference, the footer switcher's
    cookie, the browser's Accept-Language, settings.LANGUAGE_CODE (LocaleMiddleware, which runs
    before this one, has already applied the last three). API calls put an explicit
    Accept-Language first: a client asks for the language of its error messages.
    Time zone: the signed-in user's, else the browser's (a cookie set by static/js/app.js), else
    settings.TIME_ZONE. Anything unknown is skipped, never an error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        activate_reader_preferences(request, getattr(request, "user", None))
        return self.get_response(request)


def activate_reader_preferences(request, user) -> None:
    """Activate `user`'s language and time zone for `request` (rules above). The middleware
    calls it with the session's user; token authentication, which DRF runs inside the view,
    calls it again once it knows who the caller is."""
    language = _language(request, user)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
    tz = _time_zone(request, user)
    if tz is None:
        timezone.deactivate()
    else:
        timezone.activate(tz)


def _language(request, user) -> str | None:
    preferred = supported_language(user.language) if user and user.is_authenticated else None
    if request.path.startswith(API_PREFIX):
        return language_from_accept_header(request.headers.get("Accept-Language")) or preferred
    return preferred


def _time_zone(request, user):
    if user is not None and user.is_authenticated:
        return time_zone_or_none(user.time_zone)
    return time_zone_or_none(request.COOKIES.get(TIME_ZONE_COOKIE))
