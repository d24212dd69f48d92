"""Reads about accounts that other apps share."""


def has_verified_email(user) -> bool:
    """Whether CoCreate may e-mail `user`: every e-mail sending decision asks this one function.

    Today an active account with a non-empty address passes: addresses are not verified yet.
    When e-mail verification arrives, this is the one place that learns it.
    """
    return bool(user is not None and user.is_active and (user.email or "").strip())
