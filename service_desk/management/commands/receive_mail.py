import sys

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError

from service_desk.mail.receiving import mail_receive
from service_desk.models import Mailbox

# sysexits.h, as a mail server's pipe transport reads them (Postfix: docs/email.md).
EX_OK = 0
EX_NOUSER = 67  # no such mailbox: the mail server bounces the message
EX_TEMPFAIL = 75  # the database cannot be reached: the mail server tries again later


class Command(BaseCommand):
    help = (
        "Receive one message from standard input for a support mailbox, as a mail server's "
        "pipe delivers it. Exit status 0: accepted; 75: try again later; 67: no such mailbox."
    )
    # The checks may read the database; an outage must still answer "try again later".
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--mailbox", required=True, help="The mailbox's name.")

    def handle(self, *args, mailbox, **options):
        raw = sys.stdin.buffer.read()
        try:
            box = Mailbox.objects.filter(name=mailbox).first()
            if box is None:
                self.stderr.write(f"There is no mailbox named {mailbox!r}.")
                sys.exit(EX_NOUSER)
            mail = mail_receive(mailbox=box, raw=raw)
        except (OperationalError, InterfaceError) as error:
            self.stderr.write(f"The database cannot be reached; try again later: {error}")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(f"{mail.get_status_display()}: {mail.reason or mail.message_key}")
        sys.exit(EX_OK)
