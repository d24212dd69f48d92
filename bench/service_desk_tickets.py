"""Service desk benchmark: the queue page and ticket search with 100,000 tickets.

Run against a database of its own (the generator only fills an empty one), e.g.

    createdb -h 127.0.0.1 -U postgres cocreate_bench
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench \\
        REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/service_desk_tickets.py

It migrates the database, generates the scale data (`manage.py generate_scale` with --tickets
tickets, default 100,000, unless scale data is already there) and then requests each page --runs
times through Django's test client (the whole view, template and queries, without the
network), printing p50 / p95 / max in milliseconds. The target is p95 < 300 ms.

The desk's search is timed for a common word, a rare word (one internal note's), a Chinese
word, a customer's e-mail and a unit's serial number; each case prints how many tickets it
finds, so a search that finds nothing is seen.

With --load it measures under load instead, as bench/community.py does (bench/load.py): gunicorn
with 3 sync workers (bench.settings, DEBUG off) on a loopback port, 4 client processes per
endpoint for --seconds (20), signed in as an agent: the bare view, the queue, the most urgent
ticket's page and the metrics page for 30 and 90 days. It prints requests, errors, requests per
second, p50/p95/p99 latency against the bare view and the targets (queue and ticket page at
least 150 rps with p95 under 50 ms, metrics at least 100 rps), and each web worker's peak memory:

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/service_desk_tickets.py --load
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
# The --load mode's gunicorn (bench.settings, DEBUG off) refuses the development key; its agent
# session is signed with this one.
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from bench import load  # noqa: E402
from bench.timing import time_page  # noqa: E402
from cocreate.accounts.models import User  # noqa: E402
from service_desk import selectors, services  # noqa: E402
from service_desk.models import Ticket, TicketMessage  # noqa: E402


def generate(tickets: int, users: int) -> None:
    """The platform's scale data (`manage.py generate_scale`), unless it is already there."""
    started = time.perf_counter()
    call_command("generate_scale", users=users, tickets=tickets, if_empty=True)
    have = Ticket.objects.count()
    if have < tickets:
        print(f"Only {have:,} tickets in this database: generate into an empty one for more.")
    print(f"Data ready in {time.perf_counter() - started:.0f} s.")


def _rare_note_word(agent) -> str:
    """A word of one internal note (written through the service, as an agent writes it)."""
    word = "counterfeit"
    if not TicketMessage.objects.filter(internal=True, body__icontains=word).exists():
        ticket = Ticket.objects.order_by("id").first()
        services.ticket_add_note(ticket=ticket, author=agent, body="Counterfeit capacitor?")
    return word


def _found(url: str, agent) -> str:
    """How many tickets a desk search finds ('' for other pages)."""
    if not url.startswith("/desk/?q="):
        return ""
    params = dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))
    filters = selectors.QueueFilters(
        q=params["q"].replace("+", " "), include_done=params.get("status") == "all"
    )
    return f"{selectors.ticket_queue(filters, viewer=agent).count():,}"


LOAD_TARGETS = {  # kind: (p95 ms at most, rps at least)
    "desk": (50, 150),
    "metrics": (None, 100),
}


def _load_verdict(row, bare_rps) -> str:
    if row["kind"] == "baseline":
        return ""
    p95_max, rps_min = LOAD_TARGETS[row["kind"]]
    ok = row["errors"] == 0 and row["rps"] >= rps_min and (p95_max is None or row["p95"] <= p95_max)
    return "met" if ok else "NOT met"


def load_endpoints(agent) -> list[dict]:
    """The desk's pages as the agent sees them: their session as a cookie on each."""
    ticket = Ticket.objects.active().most_urgent_first().first()
    cookie = f"sessionid={load.session_cookie(agent)}"

    def get(name, url, kind):
        return {"name": name, "method": "GET", "url": url, "kind": kind, "cookie": cookie}

    return [
        {"name": "bare view", "method": "GET", "url": "/bench/bare/", "kind": "baseline"},
        get("queue (default: needs work, most urgent first)", "/desk/", "desk"),
        get(f"ticket page ({ticket.messages.count()} messages)", ticket.get_desk_url(), "desk"),
        get("metrics, 30 days", "/desk/metrics/?days=30", "metrics"),
        get("metrics, 90 days", "/desk/metrics/?days=90", "metrics"),
    ]


def run_load(args, agent) -> None:
    """The desk's pages through gunicorn under load (module docstring)."""
    rows = load_endpoints(agent)
    connection.close()
    results, peaks = load.run_all(rows, args.seconds, cache_seconds=5)
    print()
    print(
        f"{Ticket.objects.count():,} tickets; {load.CLIENTS} clients, {args.seconds:g} s per "
        f"endpoint, gunicorn {load.WORKERS} sync workers, signed in as {agent.username}"
    )
    print()
    load.print_rows(results, _load_verdict)
    print()
    load.print_peaks(peaks)
    if args.json:
        load.write_json(Path(args.json), results, peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--load", action="store_true", help="Measure the desk's pages through gunicorn under load."
    )
    parser.add_argument("--seconds", type=float, default=20, help="Per endpoint, with --load.")
    parser.add_argument("--json", default="", help="With --load: also write the results here.")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    generate(args.tickets, args.users)
    if args.load:
        run_load(args, User.objects.get(username="agent001"))
        return
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    agent = User.objects.get(username="agent001")
    customer = (
        User.objects.filter(username__startswith="user")
        .annotate(tickets_filed=Count("tickets"))
        .order_by("-tickets_filed")
        .first()
    )
    desk, own = Client(), Client()
    desk.force_login(agent)
    own.force_login(customer)
    number = Ticket.objects.order_by("-id").values_list("number", flat=True).first()
    searched = Ticket.objects.filter(registration__isnull=False).select_related(
        "customer", "registration"
    )[:1][0]
    rare = _rare_note_word(agent)
    cases = [
        ("queue (default: needs work, most urgent first)", desk, "/desk/"),
        ("queue page 40", desk, "/desk/?page=40"),
        ("queue filtered (breached, unassigned)", desk, "/desk/?sla=breached&assignee=none"),
        ("queue search 'battery'", desk, "/desk/?q=battery"),
        ("queue search 'firmware update fails'", desk, "/desk/?q=firmware+update+fails&status=all"),
        ("queue search by number", desk, f"/desk/?q={number}"),
        ("API tickets (agent)", desk, "/api/v1/tickets/"),
        ("API tickets search", desk, "/api/v1/tickets/?q=charging"),
        (
            "API tickets, open ones in urgency order",
            desk,
            "/api/v1/tickets/?status=open&ordering=urgency",
        ),
        ("customer: my tickets", own, "/support/tickets/"),
        ("desk search, common word 'battery' (all)", desk, "/desk/?q=battery&status=all"),
        (f"desk search, rare word '{rare}' (a note)", desk, f"/desk/?q={rare}&status=all"),
        ("desk search, Chinese '电池' (all)", desk, "/desk/?q=电池&status=all"),
        ("desk search, customer's e-mail", desk, f"/desk/?q={searched.customer.email}"),
        (
            "desk search, unit's serial number",
            desk,
            f"/desk/?q={searched.registration.serial_number}&status=all",
        ),
        ("API search, Chinese '续航' (agent)", desk, "/api/v1/tickets/?q=续航"),
    ]
    print(f"\n{Ticket.objects.count():,} tickets, {args.runs} runs each (milliseconds)\n")
    print(f"{'page':<56} {'found':>7} {'p50':>8} {'p95':>8} {'max':>8}")
    worst = 0.0
    for label, client, url in cases:
        p50, p95, top = time_page(client, url, args.runs)
        worst = max(worst, p95)
        print(f"{label:<56} {_found(url, agent):>7} {p50:8.1f} {p95:8.1f} {top:8.1f}")
    verdict = "OK" if worst < 300 else "OVER TARGET"
    print(f"\nworst p95: {worst:.1f} ms — target 300 ms: {verdict}")


if __name__ == "__main__":
    main()
