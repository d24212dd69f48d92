"""Load the demo data: each app contributes its own `seed.py` with a `seed(out)` function.

Apps are seeded in INSTALLED_APPS order, which follows the direction of their dependencies
(accounts before products before community …), so an app's seed can use what earlier ones made.
Every seed is idempotent: a second run changes nothing.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from cocreate.accounts.models import User
from cocreate.accounts.seed import DEMO_ACCOUNTS


class Command(BaseCommand):
    help = "Create the demo accounts and believable demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the demo accounts already exist (used by `make run`).",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and User.objects.filter(username="admin").exists():
            self.stdout.write("Demo data already loaded.")
        else:
            with transaction.atomic():
                for module in self._seed_modules():
                    module.seed(self.stdout)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_accounts()

    @staticmethod
    def _seed_modules():
        for app_config in apps.get_app_configs():
            name = f"{app_config.name}.seed"
            if find_spec(name) is not None:
                yield import_module(name)

    def _print_accounts(self):
        self.stdout.write(f"\nDemo accounts (password: {settings.DEMO_PASSWORD}):")
        for username, role, _email in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<8} {role}")
