"""`manage.py receive_mail`, as a mail server's pipe runs it: the exit status says what to do."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from service_desk.models import InboundMail, Ticket
from tests.factories.service_desk import MailboxFactory
from tests.processes import database_url

from .mails import compose

ROOT = Path(__file__).resolve().parents[2]


def receive_mail(raw: bytes, *, mailbox: str, database: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database, "DEBUG": "true"}
    return subprocess.run(
        [sys.executable, "manage.py", "receive_mail", "--mailbox", mailbox],
        input=raw,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


@pytest.fixture
def mailbox(transactional_db, product):
    return MailboxFactory(name="support", product=product)


def test_a_piped_message_is_accepted_with_status_0_and_becomes_a_ticket(mailbox):
    done = receive_mail(compose(subject="Piped in"), mailbox="support", database=database_url())

    assert done.returncode == 0, done.stderr
    assert Ticket.objects.get().subject == "Piped in"


def test_a_message_that_cannot_be_read_is_still_accepted_and_kept(mailbox):
    done = receive_mail(b"not mail at all", mailbox="support", database=database_url())

    assert done.returncode == 0, done.stderr
    assert InboundMail.objects.get().status == InboundMail.Status.FAILED


def test_an_unknown_mailbox_is_status_67_so_the_mail_server_bounces(mailbox):
    done = receive_mail(compose(), mailbox="nobody", database=database_url())

    assert done.returncode == 67
    assert "nobody" in done.stderr.decode()


def test_an_unreachable_database_is_status_75_so_the_mail_server_tries_later(mailbox):
    unreachable = "postgres://postgres@127.0.0.1:1/cocreate?connect_timeout=2"

    done = receive_mail(compose(), mailbox="support", database=unreachable)

    assert done.returncode == 75, done.stderr
    assert not InboundMail.objects.exists()
