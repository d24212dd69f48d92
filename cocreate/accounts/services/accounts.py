import re
import secrets

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cocreate.core.i18n import known_time_zones

from ..models import User
from ..roles import STAFF, Role
from ..selectors import has_verified_email, verification_email


class EmailNotVerified(PermissionDenied):
    """The account has not confirmed its e-mail address yet: it may read, not write in the
    communities. The API answers 403 with the message; pages show it with a button that sends
    the link again (templates/403.html)."""

    code = "email_not_verified"

    def __init__(self, email: str):
        self.email = email
        super().__init__(
            _(
                "Confirm your e-mail address to post, vote and comment: we sent a link to "
                "%(email)s. No e-mail? Send it again from your e-mail settings."
            )
            % {"email": email}
        )


def verified_email_check(user, *, verified: bool | None = None) -> None:
    """Raise EmailNotVerified unless `user` confirmed their address (has_verified_email, or
    `verified` when the caller read it with a row of its own: has_verified_email_expression)."""
    if not (has_verified_email(user) if verified is None else verified):
        raise EmailNotVerified(verification_email(user))


@transaction.atomic
def user_sign_up(*, user: User, time_zone: str = "") -> User:
    """Finish an account allauth's sign-up saved: a customer, in the browser's time zone (an
    unknown name is UTC)."""
    user.time_zone = time_zone if time_zone in known_time_zones() else "UTC"
    user.save(update_fields=["time_zone"])
    role_grant(user=user, role=Role.CUSTOMER)
    return user


@transaction.atomic
def user_create_unclaimed(*, email: str, display_name: str = "", language: str = "") -> User:
    """A customer account for someone who wrote to support by e-mail, with no password yet:
    they claim it by resetting the password to that address."""
    base = re.sub(r"[^\w.@+-]", "", email.split("@", 1)[0])[:30] or "customer"
    username = base
    while User.objects.filter(username__iexact=username).exists():
        username = f"{base}-{secrets.token_hex(3)}"
    user = User(
        username=username,
        email=email,
        display_name=display_name.strip()[:80],
        language=language,
    )
    user.set_unusable_password()
    user.save()
    # They wrote from this address, and it is only e-mailed about their ticket: it is verified.
    user_email_verify(user=user)
    role_grant(user=user, role=Role.CUSTOMER)
    return user


def user_email_verify(*, user: User) -> None:
    """Count the account's address as confirmed, without a link: the demo's people, and
    accounts opened for someone who wrote to support from it."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email.lower(), defaults={"primary": True, "verified": True}
    )


def role_grant(*, user: User, role: Role) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    user.__dict__.pop("role_names", None)


def user_sessions_end_others(*, request) -> int:
    """Sign the requesting user out everywhere but this session (allauth's UserSession rows:
    every session signed in since allauth); return how many sessions ended."""
    others = UserSession.objects.filter(user_id=request.user.pk).exclude(
        session_key=request.session.session_key
    )
    ended = 0
    for session in others:
        session.end()
        ended += 1
    return ended


@transaction.atomic
def user_roles_sync(*, user: User, held: set[str], managed: set[str]) -> None:
    """Make `user` hold exactly the roles of `held` among the `managed` ones (Role values and
    STAFF, which is is_staff), as a company's identity provider says at each sign-in; roles
    outside `managed` stay as they are, and so does a superuser's is_staff."""
    for role in managed - {STAFF}:
        group, _ = Group.objects.get_or_create(name=role)
        if role in held:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    if STAFF in managed and not user.is_superuser and user.is_staff != (STAFF in held):
        user.is_staff = STAFF in held
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("role_names", None)
