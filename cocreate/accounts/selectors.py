"""Reads about accounts that other apps share."""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.db.models import F

from .models import DataExport


def verified_email_user_ids(users: Iterable) -> set[int]:
    """The ids of those among `users` CoCreate may e-mail, in one query: active accounts whose
    address is their verified primary address (allauth's EmailAddress)."""
    ids = [user.pk for user in users if user is not None and user.pk and user.is_active]
    if not ids:
        return set()
    return set(
        EmailAddress.objects.filter(
            user_id__in=ids,
            user__is_active=True,
            primary=True,
            verified=True,
            email__iexact=F("user__email"),
        ).values_list("user_id", flat=True)
    )


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
