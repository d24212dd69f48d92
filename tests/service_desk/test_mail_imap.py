"""The IMAP client of the e-mail channel against a real Dovecot (tests/mailserver.py): what waits
in the mailbox, each message's exact bytes, removing one, TLS, STARTTLS, and every failure as
an ImapError that says what went wrong and never the password."""

import socket
import time

import pytest

from service_desk.mail.imap import ImapError, ImapSession, _body, _sizes
from tests.broker import free_port
from tests.mailserver import running_dovecot


def message(subject: str, body: bytes = b"Hello.\r\n") -> bytes:
    return (
        f"From: Ann <ann@example.com>\r\nTo: support@cocreate.test\r\nSubject: {subject}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + body


def open_and_close(settings):
    """Connects, logs in, selects the folder and logs out: where the refusals under test come."""
    with ImapSession(settings, allow_plain=False):
        pass


@pytest.fixture(scope="module")
def bare_dovecot():
    """A second Dovecot, without TLS: no IMAPS, no STARTTLS."""
    with running_dovecot(tls=False) as server:
        yield server


def test_pending_lists_the_messages_oldest_first_with_their_sizes(dovecot):
    first, second = message("First"), message("Second", b"A longer body.\r\n" * 10)
    uids = [dovecot.append(first), dovecot.append(second)]

    with ImapSession(dovecot.settings(), allow_plain=False) as mailbox:
        pending = mailbox.pending()

    assert pending == [(uids[0], len(first)), (uids[1], len(second))]


def test_an_empty_mailbox_has_nothing_pending(dovecot):
    with ImapSession(dovecot.settings(), allow_plain=False) as mailbox:
        assert mailbox.pending() == []


def test_fetch_returns_the_exact_bytes_8_bit_included(dovecot):
    raw = message("Grüße", "Der Router startet nicht neu. 路由器无法重启。\r\n".encode())
    uid = dovecot.append(raw)

    with ImapSession(dovecot.settings(), allow_plain=False) as mailbox:
        assert mailbox.fetch(uid) == raw


def test_fetch_returns_a_large_message_whole(dovecot):
    line = b"0123456789abcdefghijklmnopqrstuvwxyz" * 2 + b"\r\n"  # 74 bytes
    raw = message("Logs attached", line * 70_000)  # about 5 MB
    uid = dovecot.append(raw)

    with ImapSession(dovecot.settings(), allow_plain=False) as mailbox:
        assert mailbox.pending() == [(uid, len(raw))]
        assert mailbox.fetch(uid) == raw


def test_fetch_does_not_mark_the_message_seen(dovecot):
    uid = dovecot.append(message("Unread"))

    with ImapSession(dovecot.settings(), allow_plain=False) as mailbox:
        mailbox.fetch(uid)

    [stored] = dovecot.messages()
    assert "\\Seen" not in stored.flags


def test_fetching_a_message_no_longer_there_fails(dovecot):
    with (
        ImapSession(dovecot.settings(), allow_plain=False) as mailbox,
        pytest.raises(ImapError, match="message 999 is no longer in INBOX"),
    ):
        mailbox.fetch(999)


def test_done_removes_that_message_only(dovecot):
    keep_before, handled, keep_after = (dovecot.append(message(s)) for s in "ABC")

    with ImapSession(dovecot.settings(), allow_plain=False) as mailbox:
        mailbox.done(handled)
        assert [uid for uid, _ in mailbox.pending()] == [keep_before, keep_after]

    assert [stored.uid for stored in dovecot.messages()] == [keep_before, keep_after]


def test_a_message_arriving_during_the_session_is_pending_next_time(dovecot):
    earlier = dovecot.append(message("Earlier"))

    with ImapSession(dovecot.settings(), allow_plain=False) as mailbox:
        assert [uid for uid, _ in mailbox.pending()] == [earlier]
        later = dovecot.append(message("Later"))
        mailbox.done(earlier)
        assert [uid for uid, _ in mailbox.pending()] == [later]


def test_append_puts_a_message_in_the_folder(dovecot):
    raw = message("From the bench")

    with ImapSession(dovecot.settings(), allow_plain=False) as mailbox:
        uid = mailbox.append(raw)

    assert [(stored.uid, stored.raw) for stored in dovecot.messages()] == [(uid, raw)]


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_tls_trusting_the_servers_authority(dovecot, security):
    uid = dovecot.append(message("Over TLS"))

    with ImapSession(dovecot.settings(security), allow_plain=False) as mailbox:
        assert [uid for uid, _ in mailbox.pending()] == [uid]


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_a_certificate_the_system_does_not_trust_is_refused(dovecot, security):
    settings = dovecot.settings(security, ssl_context=None)  # the default context

    with pytest.raises(ImapError, match="certificate not trusted") as refused:
        open_and_close(settings)

    assert f"{dovecot.host}:{settings.port}" in str(refused.value)


def test_starttls_refuses_a_server_that_does_not_offer_it(bare_dovecot):
    settings = bare_dovecot.settings("starttls")

    with pytest.raises(ImapError, match="STARTTLS: the server does not offer it"):
        open_and_close(settings)


def test_plain_is_refused_unless_allowed(dovecot):
    uid = dovecot.append(message("In clear"))
    settings = dovecot.settings("plain")

    with pytest.raises(ImapError, match="unencrypted IMAP is not allowed"):
        ImapSession(settings, allow_plain=False)
    with ImapSession(settings, allow_plain=True) as mailbox:
        assert [uid for uid, _ in mailbox.pending()] == [uid]


def test_a_password_beyond_ascii_logs_in(dovecot):
    settings = dovecot.settings(username=dovecot.intl_user, password=dovecot.intl_password)

    with ImapSession(settings, allow_plain=False) as mailbox:
        assert mailbox.pending() == []


def test_a_wrong_password_is_refused_without_showing_it(dovecot):
    settings = dovecot.settings(password="wrong-Password-42")

    with pytest.raises(ImapError, match="logging in as desk: login refused") as refused:
        open_and_close(settings)

    assert "wrong-Password-42" not in str(refused.value)
    assert "wrong-Password-42" not in repr(settings)


def test_a_missing_folder_is_an_error(dovecot):
    with pytest.raises(ImapError, match="selecting Support/Archive: SELECT answered NO"):
        open_and_close(dovecot.settings(folder="Support/Archive"))


def test_nothing_listening_fails_at_once(dovecot):
    settings = dovecot.settings(port=free_port(), timeout=1)
    started = time.monotonic()

    with pytest.raises(ImapError, match="connecting: connection refused"):
        open_and_close(settings)

    assert time.monotonic() - started < 1


def test_a_server_that_never_answers_times_out(dovecot):
    with socket.socket() as silent:  # accepts connections (the kernel does) but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings = dovecot.settings(port=silent.getsockname()[1], timeout=0.5)
        started = time.monotonic()

        with pytest.raises(ImapError, match="connecting: no answer within 0.5 s"):
            open_and_close(settings)

    assert time.monotonic() - started < 2


def test_a_server_going_away_mid_session_is_an_error():
    with running_dovecot(tls=False) as server:
        server.append(message("Stranded"))
        with ImapSession(server.settings("plain"), allow_plain=True) as mailbox:
            server.stop()

            with pytest.raises(ImapError, match="listing messages: connection lost"):
                mailbox.pending()


def test_shapes_of_imaplibs_answers_dovecot_does_not_send():
    """Other servers order a FETCH's items differently, add updates of other messages (flags
    another client changed) and may answer an empty FETCH with nothing at all."""
    sizes = [
        None,
        b"4 (FLAGS (\\Seen))",
        b"2 (RFC822.SIZE 120 UID 12 FLAGS (\\Seen))",
        b"1 (UID 11 RFC822.SIZE 90 FLAGS (\\Deleted \\Seen))",
        b"3 (UID 13 RFC822.SIZE 7)",
    ]
    assert _sizes(sizes) == [(12, 120), (13, 7)]

    uid_after = [(b"2 (BODY[] {5}", b"hello"), b" UID 12 FLAGS (\\Recent))"]
    assert _body(uid_after, 12) == b"hello"
    another_first = [(b"1 (UID 11 BODY[] {3}", b"old"), b")", (b"2 (UID 12 BODY[] {3}", b"new")]
    assert _body(another_first, 12) == b"new"
    assert _body([(b"2 (UID 12 BODY[] {0}", b""), b")"], 12) == b""
    assert _body([b"2 (UID 12 FLAGS ())"], 12) is None
