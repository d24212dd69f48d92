"""Partner demand benchmark: the demand page and its CSV on the scale data.

Run against a database that holds the scale data (`manage.py generate_scale`, as
docs/performance.md says), e.g.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/cc_demand_scale \\
        REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python bench/partner_demand.py

The scale data has no partners: the script adds two, each with a member, unless they are
there: one that supplies every catalog part, one that supplies the Aurora 3's. It then requests the demand page for
the last 30, 90 and 365 days, for three years, with one part drawn over the total, and the CSV
for 365 days, --runs times each through Django's test client (view, template and queries,
without the network), printing the number of queries and p50 / p95 / max in milliseconds.
With --explain it prints EXPLAIN ANALYZE of every query of the 365-day page instead.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.timing import time_page  # noqa: E402
from cocreate.accounts.models import User  # noqa: E402
from partners.models import Membership, Partner, Supply  # noqa: E402
from products.models import Part  # noqa: E402

# Two suppliers: one of every catalog part (the worst case: every build of the scale data lists
# its parts) and one of the Aurora 3's parts (SKUs starting AUR3), a supplier's usual size.
SUPPLIERS = {"bench-demand-supplier": "", "bench-demand-aurora": "AUR3"}


def supplier(slug: str, sku_prefix: str) -> tuple[Partner, User]:
    partner, _ = Partner.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " "), "kind": "supplier", "country": "DE"}
    )
    user, _ = User.objects.get_or_create(
        username=f"{slug}-member", defaults={"email": f"{slug}@example.com"}
    )
    Membership.objects.get_or_create(partner=partner, user=user)
    for part in Part.objects.filter(sku__startswith=sku_prefix):
        Supply.objects.get_or_create(partner=partner, part=part)
    return partner, user


class Recorder:
    """Every statement a request runs, with its time (the test client's request closes the
    connection, which a CaptureQueriesContext does not survive)."""

    def __init__(self):
        self.queries: list[tuple[str, object, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, (time.perf_counter() - started) * 1000))


def recorded(client: Client, url: str) -> Recorder:
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        assert client.get(url).status_code == 200, url
    return recorder


def measure(client: Client, url: str, runs: int) -> tuple[int, float, float, float]:
    client.get(url)  # warm-up: connection, template cache, the session's activity
    # Not the session's bookkeeping, written once a minute whatever the page (accounts).
    queries = [
        sql
        for sql, _params, _took in recorded(client, url).queries
        if "usersessions_usersession" not in sql and "django_session" not in sql
    ]
    return (len(queries), *time_page(client, url, runs))


def explain(client: Client, url: str) -> None:
    """Each query of the page with its time, then EXPLAIN ANALYZE of those over 5 ms."""
    client.get(url)
    with connection.cursor() as cursor:
        for sql, params, took in recorded(client, url).queries:
            print(f"{took:8.1f} ms  {sql[:160]}")
            if took < 5 or not sql.lstrip().upper().startswith(("SELECT", "(SELECT")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(row[0] for row in cursor.fetchall()), "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    for slug, prefix in SUPPLIERS.items():
        partner, user = supplier(slug, prefix)
        client = Client()
        client.force_login(user)
        if args.explain:
            explain(client, reverse("partners:demand", args=[slug]) + "?period=365")
        else:
            report(client, partner, args.runs)


def report(client: Client, partner: Partner, runs: int) -> None:
    page = reverse("partners:demand", args=[partner.slug])
    csv = reverse("partners:demand_csv", args=[partner.slug])
    today = timezone.localdate()
    three_years = f"from={today - timedelta(days=3 * 365)}&to={today}"
    supplied = Supply.objects.filter(partner=partner)
    busiest = supplied.order_by("-part__post_uses__id").values_list("part__sku", flat=True)[0]
    print(f"\n{partner.slug}: {supplied.count()} parts supplied; ms over {runs} requests")
    print("| request | queries | p50 | p95 | max |\n| --- | ---: | ---: | ---: | ---: |")
    for label, url in [
        ("page, last 30 days", page + "?period=30"),
        ("page, last 90 days (default)", page),
        ("page, last 365 days", page + "?period=365"),
        ("page, three years (per month)", page + "?" + three_years),
        ("page, 90 days, one part over the total", page + f"?period=90&part={busiest}"),
        ("CSV, last 365 days", csv + "?period=365"),
        ("CSV, three years", csv + "?" + three_years),
    ]:
        count, p50, p95, peak = measure(client, url, runs)
        print(f"| {label} | {count} | {p50:.1f} | {p95:.1f} | {peak:.1f} |")


if __name__ == "__main__":
    main()
