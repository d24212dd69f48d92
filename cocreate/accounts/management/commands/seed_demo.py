"""Load the demo data: each app contributes its own `seed.py` with a `seed(out)` function.

Apps are seeded in INSTALLED_APPS order, which is the floors' order (docs/design.md), so an app's
seed can use what the apps below it made.
Every seed is idempotent: a second run changes nothing.

For a demo or development database only: every account, the superuser `admin` included, gets
DEMO_PASSWORD, which the README publishes.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from cocreate.accounts.models import User
from cocreate.accounts.seed import DEMO_ACCOUNTS
from cocreate.core.discovery import app_modules
from cocreate.core.vocabulary import refresh_vocabulary


class Command(BaseCommand):
    help = (
        "Create the demo accounts and believable demo data (idempotent). For a demo only: it "
        "creates the superuser admin with the published DEMO_PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users (used by `make run`).",
        )

    def handle(self, *args, if_empty=False, **options):
        # Any user counts, not just the demo ones: --if-empty must never add a superuser with a
        # published password to a database that real people (or generate_scale) already use.
        if if_empty and User.objects.exists():
            if not self._demo_accounts_exist():
                self.stdout.write("The database already has users; demo data not loaded.")
                return
            self.stdout.write("Demo data already loaded.")
        else:
            with transaction.atomic():
                for _app_config, module in app_modules("seed"):
                    module.seed(self.stdout)
                # Typo corrections work on the demo at once, not after the periodic job.
                refresh_vocabulary()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_accounts()

    @staticmethod
    def _demo_accounts_exist() -> bool:
        usernames = [username for username, _role, _email in DEMO_ACCOUNTS]
        return User.objects.filter(username__in=usernames).count() == len(usernames)

    def _print_accounts(self):
        self.stdout.write(f"\nDemo accounts (password: {settings.DEMO_PASSWORD}):")
        for username, role, _email in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<8} {role}")
