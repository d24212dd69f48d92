"""E-mail channel benchmark: one fetch run over 1,000 messages in a real IMAP mailbox.

Run against a database of its own, with Dovecot installed (`make dovecot`), e.g.

    createdb -h 127.0.0.1 -U postgres cocreate_bench_mail
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench_mail \\
        REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/mail_fetch.py

It migrates the database, starts a throwaway Dovecot on the loopback (tests/mailserver.py), files
--tickets tickets to be replied to, and appends --messages messages in a realistic mix: new
questions (some in GBK from Chinese mail programs, some with a photo and a PDF attached), replies
to those tickets with quoted history, and auto-replies. Then, on the same mailbox:

- the baseline: the same messages downloaded over IMAP one by one and nothing else, the floor any
  fetch pays;
- the fetch: `mailbox_fetch`, each message parsed, recorded, filed as a ticket or reply (with its
  acknowledgement notification), committed and deleted from the mailbox.

It prints both times, their ratio, and the process's peak memory before and after the fetch
(run it with --messages 2000 too: the growth stays that of the largest message, not of the run).
The target is the fetch under 60 s for 1,000 messages with bounded memory.
"""

import argparse
import os
import random
import resource
import sys
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from cocreate.accounts.models import User  # noqa: E402
from products.models import Product, ProductLine  # noqa: E402
from service_desk import services  # noqa: E402
from service_desk.mail.fetching import mailbox_fetch  # noqa: E402
from service_desk.mail.imap import ImapSession  # noqa: E402
from service_desk.mail.threads import ticket_thread_reference  # noqa: E402
from service_desk.models import Category, InboundMail, Mailbox, Ticket  # noqa: E402
from tests.mailserver import running_dovecot  # noqa: E402

PHOTO = b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(300_000)
MANUAL = b"%PDF-1.7\n" + random.Random(2).randbytes(100_000)
QUESTIONS = [
    ("The grinder stops after two seconds", "It stops every time, even with fresh beans."),
    ("Milk frother is noisy", "Since the last descaling the frother rattles loudly."),
    ("Display shows E17", "The display shows E17 after switching on. What does it mean?"),
    ("Where is the water filter?", "I cannot find where the filter goes in the tank."),
]
CHINESE = [("磨豆机两秒后停止", "每次都停，换了新豆子也一样。请问怎么办？")]


def message(*, sender, subject, body, charset="utf-8", attachments=False, headers=None):
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "support@cocreate.example"
    mail["Subject"] = subject
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = make_msgid(domain="bench.example")
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body, charset=charset)
    if attachments:
        mail.add_attachment(PHOTO, maintype="image", subtype="png", filename="photo.png")
        mail.add_attachment(MANUAL, maintype="application", subtype="pdf", filename="receipt.pdf")
    return bytes(mail)


def the_mix(count: int, tickets: list[Ticket]) -> list[bytes]:
    """New questions 60% (a sixth of them with attachments, a tenth in GBK), replies 30%,
    auto-replies 10%; a sender writes at most a few, within the hourly flood limit."""
    chance = random.Random(7)
    mix = []
    for n in range(count):
        roll = chance.random()
        if roll < 0.6:
            subject, body = chance.choice(QUESTIONS)
            charset = "utf-8"
            if n % 10 == 0:
                (subject, body), charset = chance.choice(CHINESE), "gb18030"
            mix.append(
                message(
                    sender=f"Customer {n} <customer{n // 3}@bench.example>",
                    subject=subject,
                    body=body,
                    charset=charset,
                    attachments=n % 6 == 0,
                )
            )
        elif roll < 0.9:
            ticket = chance.choice(tickets)
            reference = ticket_thread_reference(ticket)
            mix.append(
                message(
                    sender=ticket.customer.email,
                    subject=f"Re: [CoCreate] New reply on your ticket {ticket.number}",
                    body="Thanks, that helped.\n\nOn Mon, CoCreate wrote:\n> Please try again.",
                    headers={"In-Reply-To": reference, "References": reference},
                )
            )
        else:
            mix.append(
                message(
                    sender=f"away{n}@bench.example",
                    subject="Out of office",
                    body="I am away until Monday.",
                    headers={"Auto-Submitted": "auto-replied"},
                )
            )
    return mix


def prepare(ticket_count: int) -> tuple[Mailbox, list[Ticket]]:
    line, _ = ProductLine.objects.get_or_create(slug="bench-coffee", defaults={"name": "Coffee"})
    product, _ = Product.objects.get_or_create(
        slug="bench-brewer",
        defaults={"name": "Bench Brewer", "line": line, "model_number": "BENCH-1"},
    )
    mailbox, _ = Mailbox.objects.get_or_create(
        name="bench", defaults={"address": "support@cocreate.example", "product": product}
    )
    tickets = []
    for n in range(ticket_count):
        customer, _ = User.objects.get_or_create(
            username=f"bench-replier-{n}", defaults={"email": f"replier{n}@bench.example"}
        )
        tickets.append(
            services.ticket_create(
                customer=customer,
                product=product,
                category=Category.TECHNICAL_SUPPORT,
                subject="Needs an answer",
                description="Filed on the site.",
            )
        )
    return mailbox, tickets


def download_only(server, count: int) -> float:
    started = time.perf_counter()
    with ImapSession(server.settings("tls"), allow_plain=False) as session:
        pending = session.pending()
        for uid, _size in pending:
            session.fetch(uid)
    assert len(pending) == count, len(pending)
    return time.perf_counter() - started


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=150)
    options = parser.parse_args()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # DEBUG's query log keeps the text of the last 9,000 statements, each received message's
    # bytes among them: it would measure the log, not the fetch.
    settings.DEBUG = False

    call_command("migrate", verbosity=0)
    if InboundMail.objects.exists():
        sys.exit("This database already holds received mail: use an empty one.")
    mailbox, tickets = prepare(options.tickets)
    mix = the_mix(options.messages, tickets)
    megabytes = sum(len(raw) for raw in mix) / 1e6

    with running_dovecot() as server:
        os.environ["SSL_CERT_FILE"] = str(server.ca_file)
        os.environ["BENCH_IMAP_PASSWORD"] = server.password
        Mailbox.objects.filter(pk=mailbox.pk).update(
            host=server.host,
            port=server.tls_port,
            security=Mailbox.Security.TLS,
            username=server.user,
            password_env="BENCH_IMAP_PASSWORD",
        )
        mailbox.refresh_from_db()
        for raw in mix:
            server.append(raw)
        print(f"{len(mix):,} messages, {megabytes:.1f} MB, in the mailbox.")

        baseline = download_only(server, len(mix))
        rss_before = peak_rss_mib()
        started = time.perf_counter()
        run = mailbox_fetch(mailbox=mailbox)
        fetch = time.perf_counter() - started
        rss_after = peak_rss_mib()
        left = len(server.messages())

    assert run.error == "" and left == 0, (run.error, left)
    print(f"received: {dict(sorted(run.received.items()))}")
    print(f"baseline (IMAP download only): {baseline:.1f} s")
    print(
        f"fetch run:                      {fetch:.1f} s ({1000 * fetch / len(mix):.0f} ms a message)"
    )
    print(f"ratio fetch / baseline:         {fetch / baseline:.1f}")
    print(f"peak RSS: {rss_before:.0f} MiB before the fetch, {rss_after:.0f} MiB after")
    print("target: fetch < 60 s:", "met" if fetch < 60 else "NOT met")


if __name__ == "__main__":
    main()
