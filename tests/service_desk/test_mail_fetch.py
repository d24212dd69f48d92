"""Reading a support mailbox over IMAP, against a real Dovecot (tests/mailserver.py): each
message received once, let go only after it is committed, and the conversation's round trip."""

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
from tests.images import png_bytes, zip_of

from .mails import compose, mailbox_on, reply_to, send_due_emails

pytestmark = pytest.mark.django_db

Status = InboundMail.Status


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def mailbox(dovecot, product, monkeypatch):
    return mailbox_on(dovecot, monkeypatch, product=product)


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

    dovecot.append(
        reply_to(answer, sender="Li Wei <li.wei@example.cn>", body="Cleaned it, works now!")
    )
    mailbox_fetch(mailbox=mailbox)

    assert Ticket.objects.count() == 1
    reply = ticket.messages.order_by("pk").last()
    assert (reply.author, reply.channel, reply.body) == (
        ticket.customer,
        Channel.EMAIL,
        "Cleaned it, works now!",
    )


def test_bad_input_ends_as_failed_mail_or_a_refused_attachment_never_a_stuck_mailbox(
    dovecot, mailbox, settings
):
    settings.IMAGE_MAX_PIXELS = 10_000  # so that a bomb of a picture stays small here
    bad = {
        "malformed": b"From: a@example.cn\r\nSubject: broken\r\nContent-Type: multipart/mixed; "
        b'boundary="nowhere"\r\n\r\n--elsewhere\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        b"aGVsbG8===!!!\r\n",
        "30 MB": compose(
            subject="Huge",
            attachments=[("scan.pdf", "application/pdf", b"%PDF-" + b"x" * 30_000_000)],
        ),
        "500 attachments": compose(
            subject="Many",
            attachments=[(f"n{n}.txt", "text/plain", b"note") for n in range(500)],
        ),
        "zip bomb": compose(
            subject="Zip",
            attachments=[
                ("logs.zip", "application/zip", zip_of({"zeros.bin": b"\0" * 20_000_000}))
            ],
        ),
        "picture bomb": compose(
            subject="Picture",
            attachments=[("photo.png", "image/png", png_bytes(size=(200, 200)))],
        ),
        "header injection": compose(subject="Hi").replace(
            b"Subject: Hi",
            b"Subject: Hi\r\n\tBcc: victim@example.net\r\n\t=?utf-8?q?x=0D=0AX-Evil:_1?=",
        ),
        "NUL in the address": b"From: a\x00b@example.cn\r\nSubject: nul\r\n\r\nhello\r\n",
        "unknown charset": b"From: c@example.cn\r\nSubject: odd\r\nContent-Type: text/plain; "
        b"charset=x-made-up\r\n\r\n\xa4\xa4\xe5\xa4\r\n",
    }
    for raw in bad.values():
        dovecot.append(raw)

    run = mailbox_fetch(mailbox=mailbox)

    assert run.error == "" and dovecot.messages() == []
    assert InboundMail.objects.count() == len(bad)
    outcome = {mail.subject: mail for mail in InboundMail.objects.all()}
    assert outcome["Huge"].status == Status.FAILED and "too large" in outcome["Huge"].reason
    assert bytes(outcome["Huge"].raw).replace(b"\r\n", b"\n") == bad["30 MB"]  # kept whole
    assert outcome["Many"].status == Status.TICKET
    assert outcome["Many"].ticket.attachments.count() == 5
    assert "more attachments were not looked at" in outcome["Many"].reason
    assert outcome["Zip"].status == Status.TICKET and "logs.zip" in outcome["Zip"].reason
    assert not outcome["Zip"].ticket.attachments.exists()
    assert outcome["Picture"].status == Status.TICKET and "megapixels" in outcome["Picture"].reason
    injected = Ticket.objects.get(
        pk=outcome[next(s for s in outcome if s.startswith("Hi"))].ticket_id
    )
    assert "\n" not in injected.subject and "\r" not in injected.subject
    # Broken MIME with a sender: a ticket that says so; the original is there for the agent.
    assert outcome["broken"].ticket.description == "(The e-mail had no text.)"
    failed = InboundMail.objects.filter(status=Status.FAILED).exclude(subject="Huge")
    assert failed.count() == 2  # the NUL in the address, the unknown charset
    assert all(mail.reason and bytes(mail.raw) for mail in failed)
