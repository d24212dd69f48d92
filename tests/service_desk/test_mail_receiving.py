"""A received e-mail becomes a ticket, a reply on one, ignored automatic mail or "Failed mail":
never nothing, never twice (service_desk/mail/receiving.py)."""

import re
from datetime import timedelta
from email import message_from_bytes

import pytest
from django.core import mail as outbox
from django.db import connection
from django.urls import reverse

from cocreate.core import clock
from service_desk import services
from service_desk.mail.receiving import inbound_mail_discard, inbound_mail_retry, mail_receive
from service_desk.models import Channel, InboundMail, Ticket, TicketAttachment, TicketMessage
from tests.factories.accounts import customer
from tests.factories.service_desk import MailboxFactory, file_ticket
from tests.images import png_bytes

from .mails import compose, reply_to, send_due_emails

pytestmark = pytest.mark.django_db

PNG = png_bytes()
Status = InboundMail.Status


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def mailbox(product):
    return MailboxFactory(name="support", address="support@cocreate.example", product=product)


# --- A new message ----------------------------------------------------------------------------


def test_a_new_message_becomes_a_ticket_of_a_new_customer_who_gets_one_acknowledgement(mailbox):
    mailbox.language = "zh-hans"
    mailbox.save()

    received = mail_receive(mailbox=mailbox, raw=compose(subject="磨豆机不转了"))

    ticket = received.ticket
    assert received.status == Status.TICKET
    assert (ticket.subject, ticket.channel, ticket.mailbox) == ("磨豆机不转了", "email", mailbox)
    assert ticket.description == "My grinder stops after two seconds. What can I do?"
    assert (ticket.product, ticket.category) == (mailbox.product, mailbox.category)
    person = ticket.customer
    assert (person.email, person.display_name, person.language) == (
        "li.wei@example.cn",
        "Li Wei",
        "zh-hans",
    )
    assert person.is_customer and not person.has_usable_password()

    send_due_emails()
    assert len(outbox.outbox) == 1
    acknowledgement = outbox.outbox[0]
    assert acknowledgement.to == ["li.wei@example.cn"]
    assert ticket.number in acknowledgement.subject
    assert acknowledgement.subject == f"[CoCreate] 我们已收到您的请求 {ticket.number}：磨豆机不转了"
    assert acknowledgement.reply_to == ["support@cocreate.example"]


def test_mail_from_a_known_address_is_filed_for_that_account(mailbox):
    alice = customer(username="alice_mail", email="Alice@Example.com")

    received = mail_receive(mailbox=mailbox, raw=compose(sender="alice@example.com"))

    assert received.ticket.customer == alice


def test_the_same_message_received_twice_makes_one_ticket(mailbox):
    raw = compose(message_id="<once@example.cn>")

    first = mail_receive(mailbox=mailbox, raw=raw)
    second = mail_receive(mailbox=mailbox, raw=raw)
    # Delivered to another of our mailboxes too (the customer wrote to both).
    third = mail_receive(mailbox=MailboxFactory(name="sales"), raw=raw)

    assert first.pk == second.pk == third.pk
    assert Ticket.objects.count() == 1
    send_due_emails()
    assert len(outbox.outbox) == 1


def test_a_message_without_message_id_is_told_apart_by_its_bytes(mailbox):
    raw = compose().replace(b"Message-ID:", b"X-Old-ID:")

    first = mail_receive(mailbox=mailbox, raw=raw)
    again = mail_receive(mailbox=mailbox, raw=raw)

    assert first.pk == again.pk
    assert first.message_key.startswith("sha256:")


def test_attachments_become_private_ticket_files_within_the_web_forms_limits(mailbox):
    raw = compose(
        attachments=[
            ("photo.png", "image/png", PNG),
            ("setup.exe", "application/octet-stream", b"MZ" + b"\x00" * 40),
        ]
    )

    received = mail_receive(mailbox=mailbox, raw=raw)

    files = TicketAttachment.objects.filter(ticket=received.ticket)
    assert [(f.filename, f.content_type, f.message_id) for f in files] == [
        ("photo.png", "image/png", None)
    ]
    assert "setup.exe" in received.reason


def test_more_attachments_than_the_form_takes_keep_the_first_and_name_the_rest(mailbox):
    raw = compose(attachments=[(f"p{n}.png", "image/png", PNG) for n in range(30)])

    received = mail_receive(mailbox=mailbox, raw=raw)

    assert received.status == Status.TICKET
    assert TicketAttachment.objects.filter(ticket=received.ticket).count() == 5
    assert "p5.png" in received.reason
    send_due_emails()
    assert "p5.png" in outbox.outbox[0].body


def test_html_only_mail_becomes_sanitised_text(mailbox):
    raw = compose(body="", html="<p>Hello <script>alert(1)</script><b>team</b></p>")
    raw = _html_only(raw)

    ticket = mail_receive(mailbox=mailbox, raw=raw).ticket

    assert "Hello" in ticket.description and "team" in ticket.description
    assert "<script" not in ticket.description and "<script" not in ticket.description_html


def _html_only(raw: bytes) -> bytes:
    from email import policy
    from email.message import EmailMessage

    original = message_from_bytes(raw, policy=policy.default)
    message = EmailMessage()
    for name in ("From", "To", "Subject", "Date", "Message-ID"):
        message[name] = original[name]
    message.set_content(original.get_body(("html",)).get_content(), subtype="html")
    return bytes(message)


# --- A reply ----------------------------------------------------------------------------------


def test_an_agents_answer_and_the_customers_emailed_reply_are_one_conversation(mailbox, sam):
    ticket = mail_receive(mailbox=mailbox, raw=compose()).ticket
    services.ticket_reply(ticket=ticket, author=sam, body="Please hold the button for 5 s.")
    send_due_emails()
    answer = outbox.outbox[-1]
    headers = answer.extra_headers
    assert ticket.number in answer.subject
    assert headers["References"] == headers["In-Reply-To"]
    assert headers["References"].startswith(f"<ticket-{ticket.pk}.")
    assert answer.reply_to == ["support@cocreate.example"]

    reply = mail_receive(
        mailbox=mailbox,
        raw=reply_to(answer, sender="Li Wei <li.wei@example.cn>", body="That worked, thanks!"),
    )

    assert (reply.status, reply.ticket) == (Status.REPLY, ticket)
    message = reply.message
    assert (message.author, message.channel, message.internal) == (ticket.customer, "email", False)
    assert message.body == "That worked, thanks!"  # the quoted history is not shown
    assert b"hold the button" in bytes(reply.raw)  # but kept in the original
    assert Ticket.objects.count() == 1


def test_a_reply_is_matched_by_the_number_in_its_subject_when_its_sender_takes_part(mailbox):
    alice = customer(username="alice_subject")
    ticket = file_ticket(alice, mailbox.product)

    received = mail_receive(
        mailbox=mailbox,
        raw=compose(sender=alice.email, subject=f"Re: about {ticket.number}", body="More info"),
    )

    assert (received.status, received.ticket, received.message.body) == (
        Status.REPLY,
        ticket,
        "More info",
    )


def test_a_stranger_naming_a_ticket_in_the_subject_gets_a_ticket_of_their_own(mailbox, alice):
    ticket = file_ticket(alice, mailbox.product)

    received = mail_receive(
        mailbox=mailbox,
        raw=compose(sender="mallory@example.net", subject=f"Re: {ticket.number}", body="hi"),
    )

    assert received.status == Status.TICKET
    assert received.ticket != ticket
    assert not TicketMessage.objects.filter(ticket=ticket).exists()


def test_a_reply_from_someone_outside_the_ticket_never_lands_on_it(mailbox, sam):
    ticket = mail_receive(mailbox=mailbox, raw=compose()).ticket
    services.ticket_reply(ticket=ticket, author=sam, body="Answer")
    send_due_emails()

    received = mail_receive(
        mailbox=mailbox, raw=reply_to(outbox.outbox[-1], sender="eve@example.net", body="Mine!")
    )

    assert received.status == Status.FAILED
    assert "eve@example.net" in received.reason and ticket.number in received.reason
    assert not TicketMessage.objects.filter(ticket=ticket, author__email="eve@example.net")


def test_a_made_up_thread_reference_points_nowhere(mailbox, alice):
    ticket = file_ticket(alice, mailbox.product)

    received = mail_receive(
        mailbox=mailbox,
        raw=compose(
            sender=alice.email,
            subject="Hello",
            in_reply_to=f"<ticket-{ticket.pk}.0000000000000000@testserver>",
        ),
    )

    assert received.status == Status.TICKET and received.ticket != ticket


def test_an_agent_answering_by_email_writes_a_public_reply_the_customer_hears_of(mailbox, sam):
    ticket = mail_receive(mailbox=mailbox, raw=compose()).ticket
    services.ticket_assign(ticket=ticket, actor=sam, assignee=sam)
    services.ticket_reply(ticket=ticket, author=ticket.customer, body="Any news?")
    send_due_emails()
    to_agent = next(message for message in outbox.outbox if message.to == [sam.email])
    outbox.outbox.clear()

    received = mail_receive(
        mailbox=mailbox, raw=reply_to(to_agent, sender=sam.email, body="A new part is on its way.")
    )

    message = received.message
    assert (message.author, message.internal, message.channel) == (sam, False, Channel.EMAIL)
    assert message.body == "A new part is on its way."
    send_due_emails()
    assert [m.to for m in outbox.outbox] == [["li.wei@example.cn"]]
    assert "A new part is on its way." in outbox.outbox[0].body


def test_a_reply_to_a_closed_ticket_within_the_reopen_window_reopens_it(mailbox, sam):
    ticket = mail_receive(mailbox=mailbox, raw=compose()).ticket
    services.ticket_change_status(ticket=ticket, actor=sam, status=Ticket.Status.CLOSED)
    send_due_emails()

    received = mail_receive(
        mailbox=mailbox,
        raw=reply_to(outbox.outbox[-1], sender="li.wei@example.cn", body="It broke again."),
    )

    ticket.refresh_from_db()
    assert (received.status, received.ticket, ticket.status) == (
        Status.REPLY,
        ticket,
        Ticket.Status.OPEN,
    )


def test_a_reply_after_the_reopen_window_opens_a_new_ticket_following_up_the_old(
    mailbox, sam, settings
):
    ticket = mail_receive(mailbox=mailbox, raw=compose()).ticket
    services.ticket_change_status(ticket=ticket, actor=sam, status=Ticket.Status.CLOSED)
    send_due_emails()
    closing_mail = outbox.outbox[-1]
    outbox.outbox.clear()
    later = clock.now() + timedelta(days=settings.SERVICE_DESK_REOPEN_DAYS + 1)

    with clock.clock_at(later):
        received = mail_receive(
            mailbox=mailbox,
            raw=reply_to(closing_mail, sender="li.wei@example.cn", body="It broke again."),
        )

    follow_up = received.ticket
    assert received.status == Status.TICKET
    assert follow_up.follow_up_of == ticket and follow_up.customer == ticket.customer
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    send_due_emails()
    assert follow_up.number in outbox.outbox[0].subject
    assert ticket.number in outbox.outbox[0].body


# --- What never becomes a ticket ----------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"X-Autoreply": "yes"},
        {"List-Id": "<owners.example.cn>"},
        {"Return-Path": "<>"},
    ],
    ids=lambda headers: next(iter(headers)),
)
def test_automatic_mail_gets_no_ticket_and_no_answer(mailbox, headers):
    received = mail_receive(mailbox=mailbox, raw=compose(headers=headers))

    assert received.status == Status.IGNORED and received.reason
    assert not Ticket.objects.exists()
    send_due_emails()
    assert outbox.outbox == []


def test_a_bounce_from_the_mailer_daemon_is_ignored(mailbox):
    raw = compose(sender="MAILER-DAEMON@mx.example.cn", subject="Undelivered Mail Returned")

    assert mail_receive(mailbox=mailbox, raw=raw).status == Status.IGNORED


def test_mail_from_our_own_addresses_is_ignored_so_it_cannot_loop(mailbox, settings):
    own = [settings.DEFAULT_FROM_EMAIL, "support@cocreate.example"]

    outcomes = [mail_receive(mailbox=mailbox, raw=compose(sender=a)).status for a in own]

    assert outcomes == [Status.IGNORED, Status.IGNORED]


def test_a_flood_from_one_sender_stops_at_the_hourly_limit_and_can_be_retried(mailbox, settings):
    settings.SERVICE_DESK_MAIL_TICKETS_PER_HOUR = 2

    outcomes = [mail_receive(mailbox=mailbox, raw=compose(subject=f"Help {n}")) for n in range(3)]

    assert [received.status for received in outcomes] == [
        Status.TICKET,
        Status.TICKET,
        Status.FAILED,
    ]
    assert "2 tickets" in outcomes[2].reason
    settings.SERVICE_DESK_MAIL_TICKETS_PER_HOUR = 3
    assert inbound_mail_retry(mail=outcomes[2]).status == Status.TICKET
    assert Ticket.objects.count() == 3


# --- Failed mail --------------------------------------------------------------------------------


def test_a_message_that_cannot_be_read_is_kept_whole_with_the_reason(mailbox):
    raw = b"\x00\x01 this is not an e-mail \xff"

    received = mail_receive(mailbox=mailbox, raw=raw)

    assert received.status == Status.FAILED and received.reason
    assert bytes(received.raw) == raw
    assert inbound_mail_retry(mail=received).attempts == 2


def test_a_message_over_the_size_limit_is_failed_mail_not_a_crash(mailbox, settings):
    settings.SERVICE_DESK_MAIL_MAX_BYTES = 1000
    raw = compose(
        subject="Big", attachments=[("big.pdf", "application/pdf", b"%PDF-" + b"x" * 5000)]
    )

    received = mail_receive(mailbox=mailbox, raw=raw)

    assert received.status == Status.FAILED
    assert "too large" in received.reason
    assert (received.subject, received.sender) == ("Big", "li.wei@example.cn")
    assert bytes(received.raw) == raw


def test_discarding_failed_mail_drops_its_bytes_and_leaves_the_list(mailbox):
    received = mail_receive(mailbox=mailbox, raw=b"garbage")

    discarded = inbound_mail_discard(mail=received)

    assert discarded.status == Status.DISCARDED and bytes(discarded.raw) == b""
    assert inbound_mail_retry(mail=discarded).status == Status.DISCARDED


def test_a_deactivated_account_writing_is_failed_mail(mailbox):
    customer(username="gone", email="gone@example.com", is_active=False)

    received = mail_receive(mailbox=mailbox, raw=compose(sender="gone@example.com"))

    assert received.status == Status.FAILED and "deactivated" in received.reason


def test_an_account_that_never_confirmed_the_address_is_failed_mail(mailbox):
    customer(username="new", email="new@example.com", verified_email=False)

    received = mail_receive(mailbox=mailbox, raw=compose(sender="new@example.com"))

    assert received.status == Status.FAILED and "has not confirmed" in received.reason
    assert not Ticket.objects.exists()


def test_an_unreachable_database_raises_and_records_nothing(mailbox):
    """The pipe answers "try again later" (75) and the fetch leaves the message in the mailbox."""
    from django.db import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    raw = compose()
    with connection.execute_wrapper(_fail_on_insert(refuse)), pytest.raises(OperationalError):
        mail_receive(mailbox=mailbox, raw=raw)

    assert not InboundMail.objects.exists()
    assert mail_receive(mailbox=mailbox, raw=raw).status == Status.TICKET


def _fail_on_insert(refuse):
    def wrapper(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "service_desk_ticket"'):
            refuse()
        return execute(sql, params, many, context)

    return wrapper


def test_every_ticket_email_threads_names_the_ticket_and_comes_back_to_the_mailbox(
    mailbox, sam, tina
):
    ticket = mail_receive(mailbox=mailbox, raw=compose()).ticket
    services.ticket_assign(ticket=ticket, actor=tina, assignee=sam)
    services.ticket_reply(ticket=ticket, author=sam, body="Answer")
    services.ticket_reply(ticket=ticket, author=ticket.customer, body="Thanks")
    services.ticket_change_status(ticket=ticket, actor=sam, status=Ticket.Status.RESOLVED)
    services.ticket_change_status(ticket=ticket, actor=ticket.customer, status=Ticket.Status.OPEN)

    send_due_emails()

    assert len(outbox.outbox) >= 5
    for sent in outbox.outbox:
        assert ticket.number in sent.subject, sent.subject
        assert sent.reply_to == ["support@cocreate.example"]
        assert sent.extra_headers["References"].startswith(f"<ticket-{ticket.pk}.")
        assert sent.extra_headers["Message-ID"] != sent.extra_headers["References"]


def test_the_account_opened_for_a_sender_is_claimed_by_resetting_its_password(client, mailbox):
    person = mail_receive(mailbox=mailbox, raw=compose()).ticket.customer
    outbox.outbox.clear()

    client.post(reverse("account_reset_password"), {"email": "li.wei@example.cn"})

    assert [message.to for message in outbox.outbox] == [["li.wei@example.cn"]]
    link = re.search(r"/accounts/password/reset/key/\S+/", outbox.outbox[0].body).group(0)
    form_url = client.get(link).url
    client.post(form_url, {"password1": "Grinder-fixed-2026", "password2": "Grinder-fixed-2026"})
    person.refresh_from_db()
    assert person.check_password("Grinder-fixed-2026")
    assert client.login(username=person.username, password="Grinder-fixed-2026")


def test_a_refusal_after_the_ticket_was_made_leaves_the_record_pointing_at_nothing(
    mailbox, monkeypatch
):
    """The savepoint takes the ticket back; the failed record must not name it."""
    from django.core.exceptions import ValidationError

    from service_desk.mail import receiving

    def refuse(*args, **kwargs):
        raise ValidationError("The acknowledgement could not be written.")

    monkeypatch.setattr(receiving, "_acknowledge", refuse)

    received = mail_receive(mailbox=mailbox, raw=compose())

    assert received.status == Status.FAILED
    assert received.ticket is None and received.message is None
    assert not Ticket.objects.exists()
