"""Reading the support mailboxes over IMAP: every message received (receiving.py), then let go."""

import os
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core.sql import advisory_lock_tried

from ..models import Mailbox
from .imap import ImapError, ImapSession, ImapSettings
from .receiving import mail_receive


@dataclass
class FetchRun:
    mailbox: str
    received: dict[str, int] = field(default_factory=dict)  # status → messages
    error: str = ""
    skipped: bool = False  # another run was reading this mailbox

    @property
    def total(self) -> int:
        return sum(self.received.values())


def fetchable_mailboxes():
    """The mailboxes the periodic job reads: active, with an IMAP server."""
    return Mailbox.objects.filter(active=True).exclude(Q(host="") | Q(username=""))


def fetch_all_mailboxes() -> list[FetchRun]:
    return [mailbox_fetch(mailbox=mailbox) for mailbox in fetchable_mailboxes()]


def mailbox_fetch(*, mailbox: Mailbox) -> FetchRun:
    """Receive every message waiting in `mailbox`, oldest first, one at a time (memory stays
    that of one message). A message leaves the mailbox only once its record has committed: a
    run cut short leaves the rest, and the next run receives them, none twice.

    One run per mailbox at a time; another that starts meanwhile returns at once (`skipped`).
    A connection or login failure is the run's `error`, also kept on the mailbox for staff.
    """
    run = FetchRun(mailbox=mailbox.name)
    with advisory_lock_tried(_lock_key(mailbox)) as held:
        if not held:
            run.skipped = True
            return run
        try:
            imap = _imap_settings(mailbox)
            with ImapSession(imap, allow_plain=settings.SERVICE_DESK_MAIL_ALLOW_PLAIN) as session:
                for uid, _size in session.pending():
                    mail = mail_receive(mailbox=mailbox, raw=session.fetch(uid))
                    session.done(uid)
                    run.received[mail.status] = run.received.get(mail.status, 0) + 1
        except ImapError as error:
            run.error = str(error)
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_fetched_at=timezone.now(), last_error=run.error
    )
    return run


def _lock_key(mailbox: Mailbox) -> int:
    return zlib.crc32(f"service_desk.mailbox.{mailbox.pk}".encode())


def _imap_settings(mailbox: Mailbox) -> ImapSettings:
    if mailbox.password_env and mailbox.password_env not in os.environ:
        raise ImapError(
            _("The environment variable %(name)s (the mailbox's password) is not set.")
            % {"name": mailbox.password_env}
        )
    return ImapSettings(
        host=mailbox.host,
        port=mailbox.port,
        security=mailbox.security,
        username=mailbox.username,
        password=os.environ.get(mailbox.password_env, "") if mailbox.password_env else "",
        folder=mailbox.folder,
    )
