"""Recompute every denormalised counter and score from its source rows and report differences.

Each app lists its checks in `<app>/consistency.py` (`CHECKS`, see cocreate.core.denormalised);
they run in INSTALLED_APPS order. Exit status 1 when a difference remains; `--fix` rewrites the
stored values that are plain columns (a ledger mismatch is reported, never rewritten).
"""

import sys
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from cocreate.core.discovery import app_modules


def all_checks():
    for _app_config, module in app_modules("consistency"):
        yield from module.CHECKS


class Command(BaseCommand):
    help = "Report (and with --fix repair) denormalised counters that differ from their rows."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite the differing values.")
        parser.add_argument(
            "--limit", type=int, default=20, help="Differences listed per check (default 20)."
        )

    def handle(self, *args, fix=False, limit=20, **options):
        remaining = 0
        for check in all_checks():
            started = time.perf_counter()
            differences = check.differences()
            seconds = time.perf_counter() - started
            label = f"{check.model}.{check.field}"
            if not differences:
                self.stdout.write(f"{label}: OK ({seconds:.1f} s)")
                continue
            self.stdout.write(self.style.WARNING(f"{label}: {len(differences)} differ"))
            for difference in differences[:limit]:
                self.stdout.write(
                    f"  {difference.model} id={difference.id} {difference.field}: "
                    f"stored {difference.stored}, expected {difference.expected}"
                )
            if len(differences) > limit:
                self.stdout.write(f"  … and {len(differences) - limit} more")
            if fix and check.fixable:
                with transaction.atomic():
                    fixed = check.fix()
                self.stdout.write(self.style.SUCCESS(f"  fixed {fixed}"))
                remaining += len(check.differences())
            else:
                remaining += len(differences)
        if remaining:
            self.stderr.write(self.style.ERROR(f"{remaining} differences."))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("Every denormalised value matches its rows."))
