"""Scale data: customers user00001…, a support team and a design team, all with the demo
password (hashed once: hashing is deliberately slow)."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from cocreate.core.bulkload import ScaleContext, copy_rows, recent_biased, reserve_ids

from .models import User
from .roles import Role

FIRST_NAMES = [
    "Mei", "Lukas", "Priya", "Tomáš", "Sofia", "Kenji", "Amara", "Lucas", "Hana", "Diego",
    "Emma", "Wei", "Olivia", "Noah", "Fatima", "Jan", "Ana", "Raj", "Yuki", "Marta", "Liam",
    "Chloé", "Ahmed", "Isabel", "Minh", "Sara", "Omar", "Elena", "Jonas", "Aisha", "Mateo",
    "Ingrid", "Kwame", "Léa", "Arjun", "Nora", "Felix", "Zara", "Hiro", "Lina",
]  # fmt: skip
LAST_NAMES = [
    "Chen", "Weber", "Nair", "Novák", "Rossi", "Ito", "Okafor", "Martin", "Kim", "Fernández",
    "Johansson", "Zhang", "Brown", "Smith", "Haddad", "de Jong", "Silva", "Patel", "Tanaka",
    "Kowalska", "O'Connor", "Dubois", "Hassan", "García", "Nguyen", "Lindqvist", "Müller",
    "Costa", "Andersen", "Yilmaz", "Mensah", "Petrov", "Moreau", "Sato", "Ali", "Larsen",
]  # fmt: skip
TIME_ZONES = [
    ("Europe/Berlin", 12), ("Europe/Paris", 8), ("Europe/London", 8), ("Asia/Shanghai", 14),
    ("America/New_York", 10), ("Asia/Tokyo", 5), ("Asia/Kolkata", 5), ("UTC", 10),
    ("America/Sao_Paulo", 4), ("Europe/Madrid", 4), ("Africa/Lagos", 2), ("Australia/Sydney", 3),
]  # fmt: skip


def username(number: int) -> str:
    return f"user{number:05d}"


def agent_count(users: int) -> int:
    return max(2, min(40, users // 1000))


def designer_count(users: int) -> int:
    return max(1, min(12, users // 2500))


def generate(ctx: ScaleContext) -> None:
    password = make_password(settings.DEMO_PASSWORD)
    customers = _users(ctx, password, [username(n) for n in range(1, ctx.users + 1)])
    agents = _users(ctx, password, [f"agent{n:03d}" for n in range(1, agent_count(ctx.users) + 1)])
    designers = _users(
        ctx, password, [f"designer{n:02d}" for n in range(1, designer_count(ctx.users) + 1)]
    )
    _verify(ctx, customers + agents + designers)
    _grant(ctx, Role.CUSTOMER, customers)
    _grant(ctx, Role.AGENT, agents)
    _grant(ctx, Role.DESIGNER, designers)
    ctx.made.update(customers=customers, agents=agents, designers=designers)
    ctx.made["names"] = dict(
        User.objects.filter(pk__in=agents + designers).values_list("pk", "display_name")
    )
    ctx.log(f"{len(customers):,} customers, {len(agents)} agents, {len(designers)} designers")


def _users(ctx: ScaleContext, password: str, names: list[str]) -> list[int]:
    """Insert users named `names`; returns their ids in the same order."""
    rng = ctx.rng
    first = reserve_ids(User._meta.db_table, len(names))
    zones = [zone for zone, weight in TIME_ZONES for _ in range(weight)]

    def rows():
        for offset, name in enumerate(names):
            given, family = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            joined = recent_biased(rng, ctx.start, ctx.now, power=1.3)
            zone = rng.choice(zones)
            language = "zh-hans" if zone == "Asia/Shanghai" and rng.random() < 0.8 else ""
            yield (
                first + offset, password, None, False, name, given, family,
                f"{name}@example.com", False, True, joined, f"{given} {family}", "",
                language, zone,
            )  # fmt: skip

    copy_rows(
        ctx,
        User,
        [
            "id", "password", "last_login", "is_superuser", "username", "first_name",
            "last_name", "email", "is_staff", "is_active", "date_joined", "display_name", "bio",
            "language", "time_zone",
        ],
        rows(),
    )  # fmt: skip
    return list(range(first, first + len(names)))


def _verify(ctx: ScaleContext, user_ids: list[int]) -> None:
    """Their addresses count as verified, as the demo's do."""
    emails = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "email"))
    copy_rows(
        ctx,
        EmailAddress,
        ["user_id", "email", "verified", "primary"],
        ((user_id, emails[user_id], True, True) for user_id in user_ids),
    )


def _grant(ctx: ScaleContext, role: str, user_ids: list[int]) -> None:
    group, _created = Group.objects.get_or_create(name=role)
    copy_rows(
        ctx,
        User.groups.through,
        ["user_id", "group_id"],
        ((user_id, group.pk) for user_id in user_ids),
    )
