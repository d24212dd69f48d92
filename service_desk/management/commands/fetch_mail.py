from django.core.management.base import BaseCommand, CommandError

from service_desk.mail.fetching import fetchable_mailboxes, mailbox_fetch
from service_desk.models import Mailbox


class Command(BaseCommand):
    help = "Read the support mailboxes over IMAP now: new mail becomes tickets and replies."

    def add_arguments(self, parser):
        parser.add_argument("--mailbox", help="Only this mailbox (its name).")

    def handle(self, *args, mailbox=None, **options):
        if mailbox:
            mailboxes = list(Mailbox.objects.filter(name=mailbox))
            if not mailboxes:
                raise CommandError(f"There is no mailbox named {mailbox!r}.")
        else:
            mailboxes = list(fetchable_mailboxes())
        failed = []
        for box in mailboxes:
            run = mailbox_fetch(mailbox=box)
            if run.skipped:
                self.stdout.write(f"{box.name}: another run is reading it; skipped.")
            elif run.error:
                failed.append(box.name)
                self.stderr.write(f"{box.name}: {run.error}")
            else:
                counts = ", ".join(f"{n} {status}" for status, n in sorted(run.received.items()))
                self.stdout.write(f"{box.name}: {run.total} messages ({counts or 'none'}).")
        if failed:
            raise CommandError(f"Could not read: {', '.join(failed)}.")
