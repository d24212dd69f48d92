import re
import secrets

from django.contrib.auth.models import Group
from django.db import transaction

from ..models import User
from ..roles import Role


@transaction.atomic
def user_sign_up(*, username: str, email: str, password: str, time_zone: str = "UTC") -> User:
    """Create a customer account. Validation (unique name, strong password) is the form's job."""
    user = User.objects.create_user(
        username=username, email=email, password=password, time_zone=time_zone
    )
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
    role_grant(user=user, role=Role.CUSTOMER)
    return user


def role_grant(*, user: User, role: Role) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    user.__dict__.pop("role_names", None)
