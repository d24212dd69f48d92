"""Reads about accounts that other apps share."""

from .models import DataExport


def has_verified_email(user) -> bool:
    """Whether CoCreate may e-mail `user`: every e-mail sending decision asks this one function.

    Today an active account with a non-empty address passes: addresses are not verified yet.
    When e-mail verification arrives, this is the one place that learns it.
    """
    return bool(user is not None and user.is_active and (user.email or "").strip())


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
