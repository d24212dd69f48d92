"""What accounts do when allauth or Django says something happened; connected by
AccountsConfig.ready()."""

from allauth.mfa.signals import authenticator_added
from django.contrib.auth.signals import user_logged_in

from .middleware import session_activity_recorded
from .services import user_sessions_end_others


def end_other_sessions_on_new_factor(sender, request, user, **kwargs) -> None:
    """A new authenticator app or passkey: whoever else was signed in signs in again, with it.
    (A changed password ends the other sessions through Django's session hash.)"""
    user_sessions_end_others(request=request)


def note_session_activity_at_login(sender, request, user, **kwargs) -> None:
    """allauth wrote the new session's UserSession row at login (usersessions' own receiver)."""
    if request is not None and hasattr(request, "session"):
        session_activity_recorded(request)


def connect() -> None:
    authenticator_added.connect(end_other_sessions_on_new_factor)
    user_logged_in.connect(note_session_activity_at_login)
