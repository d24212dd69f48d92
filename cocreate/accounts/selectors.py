"""Reads about accounts that other apps share."""

import time
from collections.abc import Iterable
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, validate_totp_code
from allauth.mfa.utils import decrypt, is_mfa_enabled
from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, F

from cocreate.core.cache import CacheUnavailable, cache_required

from .models import DataExport

# What counts as a second factor: an authenticator app, a passkey or security key.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
# How far back a refused authenticator-app code is recognised as one that expired.
EXPIRED_CODE_WINDOW = timedelta(minutes=10)


def _verified_addresses():
    """Active accounts' addresses that are their verified primary address (allauth's
    EmailAddress)."""
    return EmailAddress.objects.filter(
        user__is_active=True, primary=True, verified=True, email__iexact=F("user__email")
    )


def verified_email_user_ids(users: Iterable) -> set[int]:
    """The ids of those among `users` CoCreate may e-mail, in one query: active accounts whose
    address is their verified primary address."""
    ids = [user.pk for user in users if user is not None and user.pk and user.is_active]
    if not ids:
        return set()
    return set(_verified_addresses().filter(user_id__in=ids).values_list("user_id", flat=True))


def has_verified_email_expression(user_id: int) -> Exists:
    """has_verified_email of the user `user_id` as a column of another query: a write that reads
    a row anyway asks it in the same statement."""
    return Exists(_verified_addresses().filter(user_id=user_id))


def has_verified_email(user) -> bool:
    """Whether CoCreate may e-mail `user`, and whether they may write in the communities: every
    e-mail sending decision asks this one function (`verified_email_user_ids` for many people).

    An active account whose address is verified: new accounts confirm theirs through the link
    allauth e-mails them; a changed address counts once the new one is confirmed.
    """
    return user is not None and user.pk in verified_email_user_ids([user])


def verification_email(user) -> str:
    """The address a confirmation link went to (the unverified one awaiting it), for messages."""
    pending = (
        EmailAddress.objects.filter(user=user, verified=False).order_by("-primary", "-pk").first()
    )
    return pending.email if pending else user.email


def latest_data_export(user):
    """The person's newest data export, for their profile page (None: they never asked)."""
    return DataExport.objects.filter(user=user).first()


def profile_export(user) -> dict:
    """The account's own part of "Download my data": the profile and the API tokens (their
    names, never their keys, which are not kept)."""
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name,
        "about_me": user.bio,
        "language": user.language,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "roles": sorted(user.role_names),
        "api_tokens": [
            {
                "name": token.name,
                "starts_with": token.prefix,
                "created_at": token.created_at,
                "last_used_at": token.last_used_at,
            }
            for token in user.api_tokens.all()
        ],
    }


def mfa_required_roles_held(user) -> bool:
    """Whether `user` holds one of the roles of settings.ACCOUNTS_MFA_REQUIRED_ROLES, which must
    sign in with a second factor: "staff" is `is_staff`, any other name a role (a group)."""
    roles = set(settings.ACCOUNTS_MFA_REQUIRED_ROLES)
    if not roles or not user.is_authenticated:
        return False
    if "staff" in roles and user.is_staff:
        return True
    return user.has_role(*(roles - {"staff"}))


def mfa_enabled(user) -> bool:
    """Whether `user` signs in with a second factor: an authenticator app or a passkey or
    security key (recovery codes only back those up)."""
    return user.is_authenticated and is_mfa_enabled(user, types=SECOND_FACTORS)


def mfa_enrolment_pending(user) -> bool:
    """A user of a required role who has no second factor yet: until they add one, they reach
    only the enrolment pages (cocreate.accounts.middleware.MfaEnrolmentMiddleware)."""
    return mfa_required_roles_held(user) and not mfa_enabled(user)


def refused_code_reason(user, code: str) -> str | None:
    """Why allauth refused a second-factor `code` of `user`, when it is not simply wrong:
    "replayed" (the authenticator app's current code, already used once), "expired" (one of
    its codes of the last EXPIRED_CODE_WINDOW), "recovery_code_used" (a recovery code used
    before), "unverifiable" (the app's current code, but the cache that remembers used codes
    is down); None for a wrong code."""
    for authenticator in Authenticator.objects.filter(user_id=user.pk):
        if authenticator.type == Authenticator.Type.TOTP:
            reason = _refused_totp_reason(decrypt(authenticator.data["secret"]), code)
        elif authenticator.type == Authenticator.Type.RECOVERY_CODES:
            reason = _refused_recovery_code_reason(authenticator.wrap(), code)
        else:
            reason = None
        if reason:
            return reason
    return None


def _refused_totp_reason(secret: str, code: str) -> str | None:
    if validate_totp_code(secret, code):
        # Valid now, yet refused: allauth remembers used codes in the cache (cache.add).
        try:
            with cache_required():
                cache.has_key("accounts:mfa-cache-check")
        except CacheUnavailable:
            return "unverifiable"
        return "replayed"
    period = mfa_settings.TOTP_PERIOD
    current = int(time.time()) // period
    oldest = current - int(EXPIRED_CODE_WINDOW.total_seconds()) // period
    for counter in range(oldest, current - mfa_settings.TOTP_TOLERANCE):
        expected = format_hotp_value(hotp_value(secret, counter))
        if compare_user_code(actual=code, expected=expected):
            return "expired"
    return None


def _refused_recovery_code_reason(recovery_codes, code: str) -> str | None:
    unused = recovery_codes.get_unused_codes()
    for expected in recovery_codes.generate_codes():
        if expected not in unused and compare_user_code(actual=code, expected=expected):
            return "recovery_code_used"
    return None
