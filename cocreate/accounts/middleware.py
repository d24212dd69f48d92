import time

from allauth.account.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.db import connection
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from cocreate.core.i18n import (
    TIME_ZONE_COOKIE,
    language_from_accept_header,
    supported_language,
    time_zone_or_none,
)
from cocreate.core.views import refusal

from .selectors import mfa_enrolment_pending

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


# A session's address, browser and last request are written at most this often.
SESSION_ACTIVITY_PRECISION_SECONDS = 60
LAST_SEEN_SESSION_KEY = "accounts.last_seen"


class SessionActivityMiddleware:
    """Keep each signed-in session's row of allauth's UserSession (its address, browser and
    last request: "Where you're signed in") up to date, as allauth's UserSessionsMiddleware does
    with USERSESSIONS_TRACK_ACTIVITY, but at most once a SESSION_ACTIVITY_PRECISION_SECONDS per
    session rather than with a write on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.session_key:
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY, 0)
            if time.time() - last_seen >= SESSION_ACTIVITY_PRECISION_SECONDS:
                user_session_seen(request)
                session_activity_recorded(request)
        return self.get_response(request)


# A session's row of allauth's UserSession, created or brought up to date in one statement, no
# transaction: allauth's create_from_request reads it, then writes it, in one. (Its
# session_client_changed signal, which nothing here listens to, is not sent.)
_SESSION_SEEN = f"""
    INSERT INTO {UserSession._meta.db_table}
        (user_id, session_key, ip, user_agent, data, created_at, last_seen_at)
    VALUES (%(user)s, %(key)s, %(ip)s, %(agent)s, '{{}}', %(now)s, %(now)s)
    ON CONFLICT (session_key) DO UPDATE SET
        user_id = EXCLUDED.user_id, ip = EXCLUDED.ip, user_agent = EXCLUDED.user_agent,
        last_seen_at = EXCLUDED.last_seen_at
"""
USER_AGENT_MAX_LENGTH = UserSession._meta.get_field("user_agent").max_length


def user_session_seen(request) -> None:
    """Record the signed-in session's address, browser and last request, as allauth's
    UserSession.objects.create_from_request does."""
    with connection.cursor() as cursor:
        cursor.execute(
            _SESSION_SEEN,
            {
                "user": request.user.pk,
                "key": request.session.session_key,
                "ip": get_adapter().get_client_ip(request),
                "agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH],
                "now": timezone.now(),
            },
        )


def session_activity_recorded(request) -> None:
    """Note in the session that its UserSession row is fresh (allauth writes one at login)."""
    request.session[LAST_SEEN_SESSION_KEY] = int(time.time())


# What a user who must enrol in two-factor sign-in may still reach: the enrolment pages (and the
# confirmation of the e-mail address, which allauth asks for before it), signing out and the
# language switcher. Static files are served before any middleware of ours.
MFA_ENROLMENT_VIEWS = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
        "account_reauthenticate",
        "account_email",
        "account_confirm_email",
        "account_logout",
        "set_language",
    }
)
MFA_REQUIRED_MESSAGE = gettext_lazy(
    "Your role requires two-factor sign-in. Set up an authenticator app or a passkey to go on."
)


class MfaEnrolmentMiddleware:
    """The roles of settings.ACCOUNTS_MFA_REQUIRED_ROLES reach nothing but MFA_ENROLMENT_VIEWS
    (the admin neither) until they have a second factor: pages redirect to the two-factor page
    with MFA_REQUIRED_MESSAGE, the API answers 403 `mfa_required` (token-authenticated calls:
    cocreate.accounts.tokens)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.view_name in MFA_ENROLMENT_VIEWS:
            return None
        if not mfa_enrolment_pending(request.user):
            return None
        if request.path.startswith(API_PREFIX):
            return refusal(
                request,
                status=403,
                code="mfa_required",
                detail=MFA_REQUIRED_MESSAGE,
                template="403.html",
            )
        messages.warning(request, MFA_REQUIRED_MESSAGE)
        return redirect("mfa_index")
