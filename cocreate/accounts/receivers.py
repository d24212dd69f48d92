"""What accounts do when allauth or Django says something happened; connected by
AccountsConfig.ready()."""

from allauth.mfa.signals import authenticator_added
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_save, pre_delete

from .middleware import session_activity_recorded
from .models import User
from .role_cache import roles_changed
from .services import user_sessions_end_others


def end_other_sessions_on_new_factor(sender, request, user, **kwargs) -> None:
    """A new authenticator app or passkey: whoever else was signed in signs in again, with it.
    (A changed password ends the other sessions through Django's session hash.)"""
    user_sessions_end_others(request=request)


def note_session_activity_at_login(sender, request, user, **kwargs) -> None:
    """allauth wrote the new session's UserSession row at login (usersessions' own receiver)."""
    if request is not None and hasattr(request, "session"):
        session_activity_recorded(request)


def groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Someone's groups changed (User.groups from either side): their cached roles go."""
    if action in ("post_add", "post_remove") and reverse:
        roles_changed(pk_set)
    elif action in ("post_add", "post_remove", "post_clear") and not reverse:
        roles_changed([instance.pk])
    elif action == "pre_clear" and reverse:
        roles_changed(instance.user_set.values_list("pk", flat=True))


def group_renamed_or_deleted(sender, instance, created=False, **kwargs) -> None:
    """A role is a group's name: renaming or deleting a group changes its members' roles."""
    if not created:
        roles_changed(instance.user_set.values_list("pk", flat=True))


def connect() -> None:
    m2m_changed.connect(groups_changed, sender=User.groups.through)
    post_save.connect(group_renamed_or_deleted, sender=Group)
    pre_delete.connect(group_renamed_or_deleted, sender=Group)
    authenticator_added.connect(end_other_sessions_on_new_factor)
    user_logged_in.connect(note_session_activity_at_login)
