"""Service desk benchmark: the queue page and ticket search with 100,000 tickets.

Run against a database of its own (it adds rows and does not delete them), e.g.

    createdb -h 127.0.0.1 -U postgres cocreate_bench
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench \\
        REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/service_desk_tickets.py

It migrates the database, tops the tickets up to --tickets (default 100,000) and then requests
each page --runs times through Django's test client (the whole view, template and queries,
without the network), printing p50 / p95 / max in milliseconds. The target is p95 < 300 ms.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from cocreate.accounts.models import User  # noqa: E402
from cocreate.accounts.roles import Role  # noqa: E402
from cocreate.core.markdown import render_markdown  # noqa: E402
from products.models import Product, ProductLine  # noqa: E402
from service_desk.models import Category, Priority, SlaState, Ticket  # noqa: E402

# A vocabulary like real tickets': common words (battery, update …) appear in a few percent of
# the tickets each, rarer ones in fewer. Built from parts so that it is large.
COMMON = [
    "battery", "screen", "flicker", "reboot", "wifi", "bluetooth", "charger", "noise", "fan",
    "speaker", "microphone", "camera", "update", "firmware", "crash", "slow", "overheating",
    "warranty", "repair", "replacement", "delivery", "parcel", "damaged", "missing", "pairing",
    "stereo", "volume", "button", "hinge", "keyboard", "mesh", "router", "signal", "drops",
    "app", "login",
]  # fmt: skip
RARE = [
    f"{stem}{suffix}"
    for stem in (
        "sensor", "cable", "adapter", "port", "display", "panel", "lens", "strap", "case", "dock",
        "antenna", "modem", "driver", "kernel", "setting", "profile", "account", "invoice",
        "refund", "courier", "label", "voucher", "upgrade", "module", "memory", "storage",
        "cooler", "pump", "filter", "remote",
    )
    for suffix in ("", "s", "ing", "er", "ed", "less", "ful", "ness")
]  # fmt: skip
FILLER = [
    "the", "it", "is", "on", "my", "after", "when", "since", "every", "and", "but", "not",
    "with", "of", "to", "in", "at", "this", "that", "was", "does", "again", "still", "only",
    "sometimes", "always", "never", "morning", "evening", "night", "week", "day",
]  # fmt: skip
STATUS_WEIGHTS = [
    (Ticket.Status.NEW, 10),
    (Ticket.Status.OPEN, 15),
    (Ticket.Status.PENDING_CUSTOMER, 5),
    (Ticket.Status.RESOLVED, 30),
    (Ticket.Status.CLOSED, 40),
]


def _people(prefix: str, count: int, role: str) -> list[User]:
    group, _ = Group.objects.get_or_create(name=role)
    existing = {user.username: user for user in User.objects.filter(username__startswith=prefix)}
    new = [
        User(username=f"{prefix}{n}", email=f"{prefix}{n}@example.com")
        for n in range(count)
        if f"{prefix}{n}" not in existing
    ]
    User.objects.bulk_create(new, batch_size=1000)
    users = list(User.objects.filter(username__startswith=prefix))
    group.user_set.add(*users)
    return users


def _products(count: int = 20) -> list[Product]:
    line, _ = ProductLine.objects.get_or_create(slug="bench-line", defaults={"name": "Bench line"})
    for n in range(count):
        Product.objects.get_or_create(
            slug=f"bench-product-{n}",
            defaults={
                "line": line,
                "name": f"Bench product {n}",
                "model_number": f"BENCH-{n:03d}",
                "status": Product.Status.ON_SALE,
            },
        )
    return list(Product.objects.filter(slug__startswith="bench-product-"))


def generate(total: int) -> None:
    missing = total - Ticket.objects.count()
    if missing <= 0:
        print(f"{Ticket.objects.count():,} tickets already there.")
        return
    rng = random.Random(42)
    customers = _people("bench-customer-", 2000, Role.CUSTOMER)
    agents = _people("bench-agent-", 10, Role.AGENT)
    products = _products()
    statuses = [status for status, weight in STATUS_WEIGHTS for _ in range(weight)]
    now = timezone.now()
    print(f"Generating {missing:,} tickets …")
    started = time.perf_counter()
    batch = []
    for index in range(missing):
        status = rng.choice(statuses)
        created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
        topic = rng.sample(COMMON, 2) + rng.sample(RARE, 2)
        subject = " ".join(rng.sample(topic, 3)).capitalize()
        description = " ".join(rng.choices(FILLER, k=30) + topic + rng.sample(RARE, 3))
        active = status in Ticket.ACTIVE_STATUSES
        batch.append(
            Ticket(
                customer=rng.choice(customers),
                product=rng.choice(products),
                category=rng.choice(Category.values),
                subject=subject,
                description=description,
                description_html=render_markdown(description),
                status=status,
                priority=rng.choice(Priority.values),
                assignee=rng.choice(agents) if rng.random() < 0.7 else None,
                first_response_due_at=created + timedelta(hours=8),
                first_response_warn_at=created + timedelta(hours=6),
                resolution_due_at=created + timedelta(days=3),
                resolution_warn_at=created + timedelta(days=2, hours=6),
                sla_state=rng.choice(SlaState.values) if active else SlaState.ON_TRACK,
                first_responded_at=None if status == Ticket.Status.NEW else created,
                resolved_at=None if active else created + timedelta(hours=rng.randint(1, 90)),
            )
        )
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
            print(f"  {index + 1:,}", end="\r", flush=True)
    Ticket.objects.bulk_create(batch)
    # created_at is auto_now_add: spread it over the year afterwards, in SQL.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE service_desk_ticket SET created_at = first_response_due_at - interval '8 hours'"
        )
    # Outside a transaction: clear the dead rows of that update, as autovacuum would.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE service_desk_ticket")
        cursor.execute("ANALYZE")  # the new users and products too
    print(f"Generated in {time.perf_counter() - started:.0f} s.{' ' * 20}")


def measure(client: Client, url: str, runs: int) -> tuple[float, float, float]:
    client.get(url)  # warm-up: connection, template cache
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    return statistics.median(timings), p95, timings[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    generate(args.tickets)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    agent = User.objects.filter(username="bench-agent-0").first()
    customer = User.objects.filter(username="bench-customer-0").first()
    desk, own = Client(), Client()
    desk.force_login(agent)
    own.force_login(customer)
    number = Ticket.objects.order_by("-id").values_list("number", flat=True).first()
    cases = [
        ("queue (default: needs work, most urgent first)", desk, "/desk/"),
        ("queue page 40", desk, "/desk/?page=40"),
        ("queue filtered (breached, unassigned)", desk, "/desk/?sla=breached&assignee=none"),
        ("queue search 'battery'", desk, "/desk/?q=battery"),
        ("queue search 'wifi drops router'", desk, "/desk/?q=wifi+drops+router&status=all"),
        ("queue search by number", desk, f"/desk/?q={number}"),
        ("API tickets (agent)", desk, "/api/v1/tickets/"),
        ("API tickets search", desk, "/api/v1/tickets/?q=overheating"),
        (
            "API tickets, open ones in urgency order",
            desk,
            "/api/v1/tickets/?status=open&ordering=urgency",
        ),
        ("customer: my tickets", own, "/support/tickets/"),
    ]
    print(f"\n{Ticket.objects.count():,} tickets, {args.runs} runs each (milliseconds)\n")
    print(f"{'page':<50} {'p50':>8} {'p95':>8} {'max':>8}")
    worst = 0.0
    for label, client, url in cases:
        p50, p95, top = measure(client, url, args.runs)
        worst = max(worst, p95)
        print(f"{label:<50} {p50:8.1f} {p95:8.1f} {top:8.1f}")
    verdict = "OK" if worst < 300 else "OVER TARGET"
    print(f"\nworst p95: {worst:.1f} ms — target 300 ms: {verdict}")


if __name__ == "__main__":
    main()
