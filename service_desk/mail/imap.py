"""Reading a support mailbox over IMAP: what waits in its folder, one message at a time, and
removing a message once the caller has committed what it made of it.

The standard library's imaplib under a small session that turns every failure (refused
connection, untrusted certificate, refused login, timeout, lost connection, a NO from the
server) into an `ImapError` naming the server and the step, never the password.
"""

import imaplib
import re
import ssl
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

SECURITIES = ("tls", "starttls", "plain")

_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_FLAGS = re.compile(rb"\bFLAGS \(([^)]*)\)")
_BODY_LITERAL = re.compile(rb"\bBODY\[\] \{\d+\}$")
_APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")


@dataclass(frozen=True)
class ImapSettings:
    """Where a mailbox is and how to log in. `security` is "tls" (IMAPS, usually port 993),
    "starttls" (usually 143, upgraded before logging in) or "plain" (no encryption)."""

    host: str
    port: int
    security: str
    username: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    timeout: float = 30.0  # seconds, for connecting and for every read
    # None: the system's trusted authorities, and the certificate must name `host`.
    ssl_context: ssl.SSLContext | None = None


class ImapError(Exception):
    """The mailbox could not be read or changed; the message says where and why."""


def _reason(error: Exception, timeout: float) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate not trusted ({error.verify_message})"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error})"
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, imaplib.IMAP4.abort | ConnectionError):  # closed, reset, broken pipe
        return f"connection lost ({error})"
    return str(error) or type(error).__name__


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sizes(data: list) -> list[tuple[int, int]]:
    """(UID, size) of the messages not marked deleted in imaplib's data of a FETCH of
    (UID RFC822.SIZE FLAGS), by UID."""
    found = {}
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        if not isinstance(line, bytes):
            continue  # imaplib's None for a FETCH that matched nothing
        uid, size, flags = _UID.search(line), _SIZE.search(line), _FLAGS.search(line)
        if uid is None or size is None:
            continue  # an unrequested update of another message's flags
        if flags is not None and rb"\Deleted" in flags[1].split():
            continue
        found[int(uid[1])] = int(size[1])
    return sorted(found.items())


def _body(data: list, uid: int) -> bytes | None:
    """The message `uid` in imaplib's data of a FETCH of (UID BODY.PEEK[]), None if absent.

    A literal comes as a tuple, (b'2 (UID 2 BODY[] {23}', b'<message>'); the server may put the
    UID after it, in the bytes that follow, and updates of other messages may come along."""
    for item in data:
        if isinstance(item, tuple) and _BODY_LITERAL.search(item[0]):
            found = _UID.search(item[0])
            if found is None or int(found[1]) == uid:
                return item[1]
    return None


class ImapSession:
    """One connection to a mailbox, its folder selected: use it as a context manager, which
    logs out and closes the connection on the way out, after an error too.

        with ImapSession(settings, allow_plain=False) as mailbox:
            for uid, size in mailbox.pending():
                raw = mailbox.fetch(uid)
                ...  # make the ticket, commit
                mailbox.done(uid)
    """

    def __init__(self, settings: ImapSettings, *, allow_plain: bool):
        if settings.security not in SECURITIES:
            raise ImapError(f"unknown IMAP security {settings.security!r}")
        if settings.security == "plain" and not allow_plain:
            raise ImapError(
                f"IMAP {settings.host}:{settings.port}: unencrypted IMAP is not allowed "
                "(it would send the password in clear)"
            )
        self.settings = settings
        self._imap: imaplib.IMAP4 | None = None
        self._capabilities: set[str] = set()
        self._broken = False  # once the connection failed, it is closed without a goodbye

    @contextmanager
    def _step(self, what: str):
        """Turns what imaplib, the socket and TLS raise during `what` into an ImapError."""
        try:
            yield
        except (imaplib.IMAP4.error, OSError) as error:
            # imaplib's abort is a lost connection; its plain error a refusal (NO, BAD).
            self._broken = isinstance(error, (imaplib.IMAP4.abort, OSError))
            s = self.settings
            reason = _reason(error, s.timeout)
            raise ImapError(f"IMAP {s.host}:{s.port} ({s.security}): {what}: {reason}") from error

    def _check(self, answer: tuple[str, list], what: str) -> list:
        """The data of an OK answer; a NO (or anything else) is an ImapError."""
        status, data = answer
        if status != "OK":
            text = b" ".join(item for item in data if isinstance(item, bytes))
            raise imaplib.IMAP4.error(f"{what} answered {status} {text.decode(errors='replace')}")
        return data

    def __enter__(self):
        s = self.settings
        try:
            with self._step("connecting"):
                if s.security == "tls":
                    self._imap = imaplib.IMAP4_SSL(
                        s.host, s.port, ssl_context=self._ssl_context(), timeout=s.timeout
                    )
                else:
                    self._imap = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                with self._step("STARTTLS"):
                    if "STARTTLS" not in self._imap.capabilities:
                        raise imaplib.IMAP4.error("the server does not offer it")
                    self._check(self._imap.starttls(ssl_context=self._ssl_context()), "STARTTLS")
            with self._step(f"logging in as {s.username}"):
                self._log_in()
                self._capabilities = self._read_capabilities()
            with self._step(f"selecting {s.folder}"):
                self._check(self._imap.select(_quoted(s.folder)), "SELECT")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _ssl_context(self) -> ssl.SSLContext:
        return self.settings.ssl_context or ssl.create_default_context()

    def _log_in(self):
        s = self.settings
        try:
            if (s.username + s.password).isascii():
                self._imap.login(s.username, s.password)
            else:
                # LOGIN sends ASCII only; SASL PLAIN sends UTF-8 (if the server offers it).
                credentials = f"\0{s.username}\0{s.password}".encode()
                self._imap.authenticate("PLAIN", lambda _challenge: credentials)
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as error:
            [answer] = error.args  # imaplib gives the server's text, as bytes for LOGIN
            if isinstance(answer, bytes):
                answer = answer.decode(errors="replace")
            raise imaplib.IMAP4.error(f"login refused ({answer})") from error

    def _read_capabilities(self) -> set[str]:
        """What the server offers now that the session is logged in (imaplib keeps only what
        it offered before)."""
        data = self._check(self._imap.capability(), "CAPABILITY")
        return {word.upper() for line in data for word in line.decode().split()}

    def close(self):
        """Logs out and closes the connection; without logging out if it failed."""
        if self._imap is None:
            return
        imap, self._imap = self._imap, None
        if not self._broken:
            with suppress(imaplib.IMAP4.error, OSError):
                imap.logout()  # closes the socket too, unless the goodbye fails
                return
        with suppress(OSError):
            imap.shutdown()

    def pending(self) -> list[tuple[int, int]]:
        """(UID, size in bytes) of every message of the folder not marked deleted, oldest first.
        Sizes only: no message is read."""
        with self._step("listing messages"):
            self._check(self._imap.noop(), "NOOP")  # lets the server tell of new messages
            data = self._check(self._imap.uid("FETCH", "1:*", "(UID RFC822.SIZE FLAGS)"), "FETCH")
        return _sizes(data)

    def fetch(self, uid: int) -> bytes:
        """The whole message as the server keeps it. Reading does not mark it seen."""
        with self._step(f"fetching message {uid}"):
            data = self._check(self._imap.uid("FETCH", str(uid), "(UID BODY.PEEK[])"), "FETCH")
            raw = _body(data, uid)
            if raw is None:
                raise imaplib.IMAP4.error(f"message {uid} is no longer in {self.settings.folder}")
        return raw

    def done(self, uid: int) -> None:
        """Removes the message for good: call it once what was made of it is committed."""
        with self._step(f"removing message {uid}"):
            store = self._imap.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
            self._check(store, "STORE")
            if "UIDPLUS" in self._capabilities:
                self._check(self._imap.uid("EXPUNGE", str(uid)), "UID EXPUNGE")
            else:
                # Also removes what another client marked deleted, as it meant to.
                self._check(self._imap.expunge(), "EXPUNGE")

    def append(self, raw: bytes, folder: str | None = None) -> int | None:
        """Puts a message in `folder` (the session's by default); its UID when the server
        says (UIDPLUS)."""
        folder = folder or self.settings.folder
        with self._step(f"appending to {folder}"):
            data = self._check(self._imap.append(_quoted(folder), None, None, raw), "APPEND")
        found = _APPENDUID.search(data[0] or b"")
        return int(found[1]) if found else None
