from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import Role


@transaction.atomic
def user_sign_up(*, username: str, email: str, password: str, time_zone: str = "UTC") -> User:
    """Create a customer account. Validation (unique name, strong password) is the form's job."""
    user = User.objects.create_user(
        username=username, email=email, password=password, time_zone=time_zone
    )
    role_grant(user=user, role=Role.CUSTOMER)
    return user


def role_grant(*, user: User, role: Role) -> None:
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    user.__dict__.pop("role_names", None)
