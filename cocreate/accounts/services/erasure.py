"""Delete my account: the person's data erased, the user row kept as an anonymised, inactive
tombstone, so what they wrote keeps its author ("a former member") and their votes stay counted."""

import secrets

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.errors import StateConflict

from ..models import ApiToken, AuditLogEntry, DataExport, User, data_export_storage
from ..personal_data import erasure_refusals, personal_data_sections
from ..sessions import sessions_end
from .audit import audit_record

TOMBSTONE_PREFIX = "former-member-"


def account_delete(*, user: User, actor: User) -> User:
    """Erase `user`'s personal data (the person themselves, or staff for them: `actor`).

    Refused while a data export of theirs is being built, and while a registered check says no
    (the last owner of a partner). Each app's registered `erase` runs in this transaction, then
    API tokens, data exports and sessions go and the row is anonymised. `user` itself becomes
    the tombstone, which is returned.
    """
    with transaction.atomic():
        # Locked (a data export request takes the same lock), then read again in place: the
        # caller's instance becomes the tombstone.
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
        user.refresh_from_db()
        if user.is_former_member:
            raise StateConflict(_("This account was deleted already."))
        if DataExport.objects.filter(user=user, status__in=DataExport.IN_PROGRESS).exists():
            raise StateConflict(
                _(
                    "A copy of this account's data is being made. Wait until it is ready, then "
                    "delete the account."
                )
            )
        refusals = erasure_refusals(user)
        if refusals:
            raise StateConflict(refusals)
        for section in personal_data_sections():
            if section.erase is not None:
                section.erase(user)
        ApiToken.objects.filter(user=user).delete()
        _delete_data_exports(user)
        _forget_sign_in(user)
        _end_sessions(user)
        _anonymise(user)
        audit_record(action=AuditLogEntry.Action.ACCOUNT_DELETED, subject=user, actor=actor)
    return user


def _delete_data_exports(user: User) -> None:
    exports = DataExport.objects.filter(user=user)
    files = list(exports.exclude(file="").values_list("file", flat=True))
    exports.delete()
    transaction.on_commit(lambda: [data_export_storage.delete(name) for name in files])


def _forget_sign_in(user: User) -> None:
    """allauth's rows: the e-mail addresses, linked company and social accounts (their tokens
    go with them), second factors, and the list of where the person is signed in."""
    for model in (EmailAddress, SocialAccount, Authenticator, UserSession):
        model.objects.filter(user=user).delete()


def _end_sessions(user: User) -> None:
    """Sessions live in the database (settings.SESSION_ENGINE) without a user column: each live
    one is decoded. The unusable password already ends them at their next request (the session's
    auth hash no longer matches); this removes the rows."""
    user_id = str(user.pk)
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(
            chunk_size=2000
        )
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]
    sessions_end(ended)


def _anonymise(user: User) -> None:
    user.username = f"{TOMBSTONE_PREFIX}{secrets.token_hex(6)}"
    user.email = user.first_name = user.last_name = user.display_name = user.bio = ""
    user.language, user.time_zone = "", "UTC"
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.erased_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    user.__dict__.pop("role_names", None)
