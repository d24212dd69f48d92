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
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    generate(args.tickets, args.users)
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
        p50, p95, top = measure(client, url, args.runs)
        worst = max(worst, p95)
        print(f"{label:<56} {_found(url, agent):>7} {p50:8.1f} {p95:8.1f} {top:8.1f}")
    verdict = "OK" if worst < 300 else "OVER TARGET"
    print(f"\nworst p95: {worst:.1f} ms — target 300 ms: {verdict}")


if __name__ == "__main__":
    main()
