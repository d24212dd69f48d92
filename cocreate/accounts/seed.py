"""The demo accounts, as cocreate/accounts/seed_data/demo.toml lists them; seed_demo prints them."""

from django.conf import settings

from cocreate.core.seed_data import demo_data

from .models import User
from .roles import Role
from .services import role_grant, user_email_verify

_ACCOUNTS = demo_data(__file__)["accounts"]
# (username, role, e-mail); "staff" is is_staff + is_superuser, not a group.
DEMO_ACCOUNTS = [
    (row["username"], "staff" if row["role"] == "staff" else Role(row["role"]), row["email"])
    for row in _ACCOUNTS
]
# What a demo user may have besides the defaults (li reads in Chinese, in Shanghai time).
PREFERENCES = ("language", "time_zone", "display_name")


def seed(out) -> None:
    for row, (username, role, email) in zip(_ACCOUNTS, DEMO_ACCOUNTS, strict=True):
        preferences = {name: row[name] for name in PREFERENCES if name in row}
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": email, **preferences}
        )
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.is_staff = user.is_superuser = role == "staff"
            user.save()
        # Demo addresses count as verified: the demo people post, vote and comment at once.
        user_email_verify(user=user)
        if role != "staff":
            role_grant(user=user, role=role)
    out.write(f"  accounts: {len(DEMO_ACCOUNTS)} demo users")
