from django.conf import settings

from .models import User
from .roles import Role
from .services import role_grant

# (username, role, e-mail); "staff" is is_staff + is_superuser, not a group.
DEMO_ACCOUNTS = [
    ("alice", Role.CUSTOMER, "alice@example.com"),
    ("bob", Role.CUSTOMER, "bob@example.com"),
    ("sam", Role.AGENT, "sam@example.com"),
    ("tina", Role.AGENT, "tina@example.com"),
    ("dana", Role.DESIGNER, "dana@example.com"),
    ("paul", Role.PARTNER_MEMBER, "paul@example.com"),
    ("li", Role.CUSTOMER, "li@example.com"),
    ("admin", "staff", "admin@example.com"),
]
# Language and time zone of the demo users who do not read in English on UTC.
DEMO_PREFERENCES = {
    "li": {"language": "zh-hans", "time_zone": "Asia/Shanghai", "display_name": "李娜"}
}


def seed(out) -> None:
    for username, role, email in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": email, **DEMO_PREFERENCES.get(username, {})}
        )
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.is_staff = user.is_superuser = role == "staff"
            user.save()
        if role != "staff":
            role_grant(user=user, role=role)
    out.write(f"  accounts: {len(DEMO_ACCOUNTS)} demo users")
