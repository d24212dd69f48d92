"""Reading a support mailbox over IMAP, against a real Dovecot (tests/mailserver.py): each
message received once, let go only after it is committed, and the conversation's round trip."""

from email import message_from_bytes

import pytest
from django.core import mail as outbox
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, connections

from service_desk import services
from service_desk.mail import fetching
from service_desk.mail.fetching import mailbox_fetch
from service_desk.mail.imap import ImapError, ImapSession
from service_desk.models import Channel, InboundMail, Mailbox, Ticket
from service_desk.tasks import fetch_mail
from tests.factories.service_desk import MailboxFactory

from .mails import compose, send_due_emails

pytestmark = pytest.mark.django_db

Status = InboundMail.Status


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def mailbox(dovecot, product, monkeypatch):
    """The support mailbox on the test Dovecot, over IMAPS; the worker trusts the test's CA as
    an operator trusts a private one (SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.ca_file))
    monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
    return MailboxFactory(
        name="support",
        address="support@cocreate.example",
        product=product,
        host=dovecot.host,
        port=dovecot.tls_port,
        security=Mailbox.Security.TLS,
        username=dovecot.user,
        password_env="TEST_IMAP_PASSWORD",
    )


def test_each_message_becomes_a_ticket_and_leaves_the_mailbox(dovecot, mailbox):
    for n in range(3):
        dovecot.append(compose(subject=f"Question {n}", sender=f"c{n}@example.cn"))

    run = mailbox_fetch(mailbox=mailbox)

    assert (run.error, run.received) == ("", {Status.TICKET: 3})
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "Question 0",
        "Question 1",
        "Question 2",
    ]
    assert dovecot.messages() == []
    mailbox.refresh_from_db()
    assert mailbox.last_fetched_at is not None and mailbox.last_error == ""


def test_a_run_cut_short_after_the_commit_files_nothing_twice(dovecot, mailbox, monkeypatch):
    dovecot.append(compose(subject="Only once", message_id="<once@example.cn>"))
    dovecot.append(compose(subject="Next one"))

    def connection_lost(self, uid):
        raise ImapError("IMAP: connection lost")

    with monkeypatch.context() as patch:
        patch.setattr(ImapSession, "done", connection_lost)
        run = mailbox_fetch(mailbox=mailbox)
    assert run.error and len(dovecot.messages()) == 2  # both still there, the first committed

    again = mailbox_fetch(mailbox=mailbox)

    assert again.error == ""
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Next one", "Only once"]
    assert InboundMail.objects.count() == 2
    assert dovecot.messages() == []


def test_a_database_outage_leaves_the_message_in_the_mailbox(dovecot, mailbox):
    dovecot.append(compose(subject="Wait for me"))

    def refuse(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "service_desk_ticket"'):
            raise OperationalError("the database went away")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse), pytest.raises(OperationalError):
        mailbox_fetch(mailbox=mailbox)

    assert [message.raw for message in dovecot.messages()]
    assert not InboundMail.objects.exists()
    assert mailbox_fetch(mailbox=mailbox).received == {Status.TICKET: 1}
    assert dovecot.messages() == []


def test_bad_mail_is_kept_as_failed_mail_and_the_run_goes_on(dovecot, mailbox):
    dovecot.append(b"From: nobody\r\n\r\n\x00\x01broken")
    dovecot.append(
        b"From: a@example.cn\r\nSubject: odd\r\nMessage-ID: <odd@example.cn>\r\n"
        b"Content-Type: text/plain; charset=x-made-up\r\n\r\n\xa4\xa4\xa4\xe5\r\n"
    )
    dovecot.append(compose(subject="Fine"))

    run = mailbox_fetch(mailbox=mailbox)

    assert run.received == {Status.FAILED: 2, Status.TICKET: 1}
    failed = InboundMail.objects.filter(status=Status.FAILED)
    assert all(mail.reason for mail in failed)
    assert dovecot.messages() == []


def test_a_refused_login_is_the_runs_error_and_the_mail_stays(dovecot, mailbox, monkeypatch):
    monkeypatch.setenv("TEST_IMAP_PASSWORD", "wrong")
    dovecot.append(compose())

    run = mailbox_fetch(mailbox=mailbox)

    mailbox.refresh_from_db()
    assert "login refused" in run.error and mailbox.last_error == run.error
    assert "wrong" not in run.error
    assert len(dovecot.messages()) == 1
    with pytest.raises(CommandError, match="support"):
        call_command("fetch_mail", "--mailbox", "support")


def test_a_missing_password_variable_is_named(dovecot, mailbox, monkeypatch):
    monkeypatch.delenv("TEST_IMAP_PASSWORD")

    run = mailbox_fetch(mailbox=mailbox)

    assert "TEST_IMAP_PASSWORD" in run.error


def test_imap_without_tls_only_where_the_setting_allows_it(dovecot, mailbox, settings):
    Mailbox.objects.filter(pk=mailbox.pk).update(
        security=Mailbox.Security.PLAIN, port=dovecot.plain_port
    )
    mailbox.refresh_from_db()
    dovecot.append(compose())

    assert mailbox_fetch(mailbox=mailbox).error
    settings.SERVICE_DESK_MAIL_ALLOW_PLAIN = True
    assert mailbox_fetch(mailbox=mailbox).received == {Status.TICKET: 1}


def test_a_second_run_on_the_same_mailbox_returns_at_once(dovecot, mailbox):
    dovecot.append(compose())
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [fetching._lock_key(mailbox)])
        run = mailbox_fetch(mailbox=mailbox)
    finally:
        other.close()

    assert run.skipped and len(dovecot.messages()) == 1


def test_the_periodic_job_and_the_command_read_every_active_mailbox(dovecot, mailbox, capsys):
    MailboxFactory(name="pipe-only")  # no IMAP server: the pipe feeds it
    dovecot.append(compose(subject="By the job"))

    assert fetch_mail() == {"support": 1}

    dovecot.append(compose(subject="By hand"))
    call_command("fetch_mail")
    assert "support: 1 messages (1 ticket)" in capsys.readouterr().out
    assert Ticket.objects.count() == 2


def test_the_conversation_goes_round_by_email(dovecot, mailbox, sam):
    """Customer mails → ticket → agent answers on the desk → the e-mail → the customer's reply
    in the mailbox → fetched → on the same ticket."""
    dovecot.append(compose(subject="Grinder stops", body="It stops after two seconds."))
    mailbox_fetch(mailbox=mailbox)
    ticket = Ticket.objects.get()
    services.ticket_reply(ticket=ticket, author=sam, body="Please clean the burr.")
    send_due_emails()
    answer = next(sent for sent in outbox.outbox if "Please clean" in sent.body)
    sent = message_from_bytes(answer.message().as_bytes())

    dovecot.append(
        compose(
            to=sent["Reply-To"],
            subject=f"Re: {sent['Subject']}",
            body="Cleaned it, works now!\n\nOn 7 Dec 2026, CoCreate wrote:\n> Please clean the burr.",
            in_reply_to=sent["Message-ID"],
            references=f"{sent['References']} {sent['Message-ID']}",
        )
    )
    mailbox_fetch(mailbox=mailbox)

    assert Ticket.objects.count() == 1
    reply = ticket.messages.order_by("pk").last()
    assert (reply.author, reply.channel, reply.body) == (
        ticket.customer,
        Channel.EMAIL,
        "Cleaned it, works now!",
    )
