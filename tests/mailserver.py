"""A real IMAP server for tests: Debian's Dovecot (`make dovecot`) on free ports of 127.0.0.1,
with a configuration, a certificate authority and mailboxes of its own in a throwaway folder.

It listens on two ports: `plain_port` (IMAP, offering STARTTLS) and `tls_port` (IMAPS). Its
certificate is signed by a CA made when it starts: `ssl_context()` trusts it, the system's
default context does not. The helpers (`append`, `messages`, `clear`) speak plain imaplib, not
the code under test.
"""

import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from service_desk.mail.imap import ImapSettings
from tests.broker import free_port
from tests.processes import ChildServer
from tests.waiting import wait_until

START_TIMEOUT = 60  # seconds: generous, the machine may be busy
_FLAGS = re.compile(rb"FLAGS \(([^)]*)\)")
_APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")


@dataclass(frozen=True)
class Stored:
    """A message as the server keeps it."""

    uid: int
    flags: frozenset[str]
    raw: bytes


def dovecot_executable() -> str:
    executable = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if executable is None:
        pytest.fail("Dovecot is not installed: run `make dovecot` (apt-get install dovecot-imapd).")
    return executable


def _accounts() -> tuple[str, str, str]:
    """The (user, group) Dovecot's own processes and the mail run as, and its login processes'
    user. Dovecot refuses root for the last two, so as root they are the accounts Debian's
    package made (dovecot, dovenull); otherwise everything runs as the current user."""
    if os.geteuid() == 0:
        return "dovecot", "dovecot", "dovenull"
    user = pwd.getpwuid(os.geteuid()).pw_name
    return user, grp.getgrgid(os.getegid()).gr_name, user


def _openssl(*args: str, cwd: Path):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(directory: Path):
    """ca.pem, and server.pem + server.key for 127.0.0.1 and localhost, signed by it."""
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        "req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=CoCreate test IMAP CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=directory,
    )  # fmt: skip
    _openssl(
        "req", *key, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1",
        cwd=directory,
    )  # fmt: skip
    (directory / "server.ext").write_text(
        "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
        "basicConstraints = critical, CA:FALSE\n"
        "keyUsage = critical, digitalSignature\n"
        "extendedKeyUsage = serverAuth\n"
    )
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem",
        cwd=directory,
    )  # fmt: skip


class Dovecot(ChildServer):
    """Dovecot in the foreground (`dovecot -F`), a child of the test process, every file under
    `directory`. With `tls=False` it has no certificate: no IMAPS port and no STARTTLS."""

    host = "127.0.0.1"
    user = "desk"
    password = "imap-test-password"
    # A second account, whose password only SASL PLAIN can send (LOGIN takes ASCII only).
    intl_user = "desk-intl"
    intl_password = "pässwörd-密码"

    def __init__(self, directory: Path, *, tls: bool = True):
        self.directory = directory
        self.tls = tls
        self.plain_port = free_port()
        self.tls_port = free_port() if tls else None
        self.ca_file = directory / "ca.pem"
        self.log = directory / "dovecot.log"
        self.process = None

    def _configuration(self) -> Path:
        internal_user, group, login_user = _accounts()
        home = self.directory / "home"
        home.mkdir()
        if os.geteuid() == 0:
            shutil.chown(home, internal_user, group)
        (self.directory / "passwd").write_text(
            f"{self.user}:{{PLAIN}}{self.password}\n"
            f"{self.intl_user}:{{PLAIN}}{self.intl_password}\n",
            encoding="utf-8",
        )
        if self.tls:
            make_certificates(self.directory)
            tls = f"""ssl = yes
ssl_cert = <{self.directory / "server.pem"}
ssl_key = <{self.directory / "server.key"}
ssl_min_protocol = TLSv1.2
"""
        else:
            tls = "ssl = no\n"
        config = self.directory / "dovecot.conf"
        config.write_text(
            f"""base_dir = {self.directory / "run"}
state_dir = {self.directory / "state"}
log_path = {self.log}
protocols = imap
listen = 127.0.0.1
{tls}
auth_mechanisms = plain login
# Loopback connections count as secured already; said here so no version differs.
disable_plaintext_auth = no
auth_verbose = yes
# A refused login is answered at once, and the next ones from 127.0.0.1 are not slowed down.
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.directory / "passwd"}
}}
userdb {{
  driver = static
  args = home={home}/%u
}}
mail_location = maildir:~/Maildir
default_internal_user = {internal_user}
default_internal_group = {group}
default_login_user = {login_user}
mail_uid = {internal_user}
mail_gid = {group}
first_valid_uid = {pwd.getpwnam(internal_user).pw_uid}
first_valid_gid = {grp.getgrnam(group).gr_gid}
# Only root may chroot; the login processes reach base_dir by its full path instead.
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.plain_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port or 0}
  }}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
        )
        return config

    def start(self):
        executable = dovecot_executable()
        config = self._configuration()
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [executable, "-F", "-c", str(config)],
                stdout=output,
                stderr=subprocess.STDOUT,
                process_group=0,  # its own, which stop() ends whole
            )

        def greeting() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"Dovecot exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                with socket.create_connection((self.host, self.plain_port), timeout=2) as probe:
                    return probe.recv(100).startswith(b"* OK")
            except OSError:
                return False

        wait_until(
            greeting,
            timeout=START_TIMEOUT,
            interval=0.05,
            message=lambda: (
                f"Dovecot to greet on port {self.plain_port}; its log:\n" + self.log_text()
            ),
        )

    def stop(self):
        """Ends every process of the server at once, the clients' sessions too: they would
        outlive the master (and so would its log process while they last)."""
        if self.process is None or self.process.returncode is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def ssl_context(self) -> ssl.SSLContext:
        """A client context trusting this server's CA (and only it)."""
        return ssl.create_default_context(cafile=self.ca_file)

    def settings(self, security: str = "tls", **changes) -> ImapSettings:
        """ImapSettings for this server's port of `security`, trusting its CA."""
        port = self.tls_port if security == "tls" else self.plain_port
        settings = ImapSettings(
            host=self.host,
            port=port,
            security=security,
            username=self.user,
            password=self.password,
            timeout=10,
            ssl_context=self.ssl_context() if self.tls else None,
        )
        return replace(settings, **changes)

    @contextmanager
    def _inbox(self):
        imap = imaplib.IMAP4(self.host, self.plain_port, timeout=30)
        try:
            imap.login(self.user, self.password)
            imap.select("INBOX")
            yield imap
        finally:
            imap.logout()

    def append(self, raw: bytes, folder: str = "INBOX") -> int:
        """Puts `raw` in `folder`, returns its UID."""
        with self._inbox() as imap:
            status, data = imap.append(folder, None, None, raw)
        assert status == "OK", data
        return int(_APPENDUID.search(data[0])[1])

    def messages(self) -> list[Stored]:
        """What INBOX holds, oldest first, its messages marked deleted included."""
        stored = []
        with self._inbox() as imap:
            _, [uids] = imap.uid("SEARCH", "ALL")
            for uid in uids.split():
                _, data = imap.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
                head, raw = data[0]
                flags = frozenset(_FLAGS.search(head)[1].decode().split())
                stored.append(Stored(uid=int(uid), flags=flags, raw=raw))
        return stored

    def clear(self):
        """Empties INBOX."""
        with self._inbox() as imap:
            imap.uid("STORE", "1:*", "+FLAGS.SILENT", r"(\Deleted)")
            imap.expunge()


@contextmanager
def running_dovecot(**options):
    """A started `Dovecot(**options)`, stopped and its folder removed when done.

    Its folder is not pytest's tmp_path: as root, Dovecot's unprivileged processes must reach
    the mail, and pytest's base temporary folder is private to its user."""
    directory = Path(tempfile.mkdtemp(prefix="cocreate-dovecot-"))
    directory.chmod(0o755)
    server = Dovecot(directory, **options)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
