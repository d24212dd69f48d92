"""Generate believable data at scale for benchmarks: users, the catalog's owners, community posts
with votes and comments, service-desk tickets.

Each app contributes `<app>/scale.py` with `generate(ctx)` (and optionally `finish(ctx)`, run
after every app generated, e.g. scores that depend on later apps' rows); they run in
INSTALLED_APPS order, which follows the apps' dependencies. Rows are written with COPY and the
denormalised counters are computed afterwards in SQL, so they equal what the services would
have written (`manage.py check_consistency` verifies it).

Not additive: the command refuses to run when scale data (user00001) already exists, so a
benchmark database has one known size; `--if-empty` makes that case a quiet no-op instead.
"""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.accounts.scale import username
from cocreate.core.bulkload import ScaleContext, bulk_load_mode
from cocreate.core.discovery import app_modules


class Command(BaseCommand):
    help = "Generate scale data (users, posts, votes, tickets) for benchmarks, in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=1000, help="Customers user00001….")
        parser.add_argument("--posts", type=int, default=0, help="Community posts.")
        parser.add_argument("--votes", type=int, default=0, help="Votes on those posts.")
        parser.add_argument("--tickets", type=int, default=0, help="Service-desk tickets.")
        parser.add_argument("--seed", type=int, default=20261125, help="Random seed.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) when scale data already exists.",
        )

    def handle(self, *args, users, posts, votes, tickets, seed, if_empty, **options):
        for name, value in (("users", users), ("posts", posts), ("votes", votes)):
            if value < 0:
                raise CommandError(f"--{name} cannot be negative.")
        if tickets < 0:
            raise CommandError("--tickets cannot be negative.")
        if users < 2 and (posts or votes or tickets):
            raise CommandError("Posts, votes and tickets need at least 2 users.")
        if votes and not posts:
            raise CommandError("Votes need posts (--posts).")
        if User.objects.filter(username=username(1)).exists():
            if if_empty:
                self.stdout.write("Scale data already generated; nothing to do.")
                return
            raise CommandError(
                f"Scale data already exists ({username(1)} is there). Generate into an empty "
                "database (createdb, then migrate), or pass --if-empty to skip."
            )
        ctx = ScaleContext(
            users=users,
            posts=posts,
            votes=votes,
            tickets=tickets,
            now=timezone.now(),
            rng=random.Random(seed),
            out=self.stdout,
        )
        started = time.perf_counter()
        found = list(app_modules("scale"))
        app_configs = [app_config for app_config, _module in found]
        modules = [module for _app_config, module in found]
        with transaction.atomic(), bulk_load_mode(self._tables(app_configs)):
            for module in modules:
                self._timed(module.__name__, module.generate, ctx)
            for module in modules:
                if hasattr(module, "finish"):
                    self._timed(f"{module.__name__} (finish)", module.finish, ctx)
        self._timed("ANALYZE", self._analyze, ctx)
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Scale data generated in {seconds:.1f} s."))
        for table, rows in sorted(ctx.counts.items()):
            self.stdout.write(f"  {table:<40} {rows:>12,}")

    def _timed(self, label, function, ctx):
        started = time.perf_counter()
        function(ctx)
        self.stdout.write(f"{label}: {time.perf_counter() - started:.1f} s")

    @staticmethod
    def _analyze(ctx):
        # Fresh statistics, or the first queries plan for empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    @staticmethod
    def _tables(app_configs) -> list[str]:
        """The tables of the apps that generate (their many-to-many tables included)."""
        return [
            model._meta.db_table
            for app_config in app_configs
            for model in app_config.get_models(include_auto_created=True)
        ]
