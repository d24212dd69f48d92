import time
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from designers.conf import milestones, setting
from designers.simulation import format_table, load_history, simulate


def _numbers(text: str, kind=float) -> list:
    try:
        values = [kind(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CommandError(f"Not a list of numbers: {text!r}") from None
    if not values or any(value < 0 for value in values):
        raise CommandError(f"Expected numbers of 0 or more: {text!r}")
    return values


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not an ISO date: {text!r}") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


class Command(BaseCommand):
    help = (
        "Replay the database's votes, comments, linked tickets and decisions through the "
        "surfacing rules for each parameter set and print a table: items surfaced per product "
        "and week, and what happens to strong ideas (docs/trending.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--half-life",
            default=str(setting("DESIGNERS_SCORE_HALF_LIFE_HOURS")),
            help="Half-lives in hours, comma-separated (default: the setting).",
        )
        parser.add_argument(
            "--threshold",
            default=str(setting("DESIGNERS_SURFACE_THRESHOLD")),
            help="Thresholds in points, comma-separated (default: the setting).",
        )
        parser.add_argument(
            "--top-n",
            default=str(setting("DESIGNERS_SURFACE_TOP_N")),
            help="Top N per product, comma-separated; 0 for none (default: the setting).",
        )
        parser.add_argument(
            "--milestones",
            action="append",
            help="A milestone ladder, comma-separated (50,100,250); repeat the option to "
            "compare ladders (default: the setting).",
        )
        parser.add_argument(
            "--since",
            help="Start of the measured range (ISO date; default: --weeks before --until).",
        )
        parser.add_argument(
            "--until", help="End of the measured range (ISO date; default: the last activity)."
        )
        parser.add_argument(
            "--weeks", type=int, default=26, help="Weeks measured when --since is not given."
        )
        parser.add_argument(
            "--strong",
            type=int,
            default=50,
            help="A strong idea has this many supporters (votes) or more by --until.",
        )
        parser.add_argument(
            "--step-minutes",
            type=int,
            default=60,
            help="How often the replayed job runs (the real one: every 10 minutes).",
        )

    def handle(self, *args, **options):
        half_lives = _numbers(options["half_life"])
        thresholds = _numbers(options["threshold"])
        top_ns = _numbers(options["top_n"], int)
        ladders = [tuple(sorted(set(_numbers(text, int)))) for text in options["milestones"] or []]
        ladders = ladders or [milestones()]
        if any(h <= 0 for h in half_lives) or any(t <= 0 for t in thresholds):
            raise CommandError("Half-lives and thresholds must be above 0.")
        if options["strong"] < 1 or options["step_minutes"] < 1 or options["weeks"] < 1:
            raise CommandError("--strong, --weeks and --step-minutes must be 1 or more.")
        until = _moment(options["until"]) if options["until"] else None
        started = time.monotonic()
        history = load_history(until=until)
        if not history.events:
            raise CommandError("No suggestions or modifications to replay.")
        if until is None:
            until = datetime.fromtimestamp(history.last, tz=timezone.get_default_timezone())
            until += timedelta(seconds=1)
        since = _moment(options["since"]) if options["since"] else None
        since = since or until - timedelta(weeks=options["weeks"])
        if since >= until:
            raise CommandError("--since must be before --until.")
        loaded = time.monotonic() - started
        rows = simulate(
            history,
            half_lives=half_lives,
            thresholds=thresholds,
            top_ns=top_ns,
            milestone_sets=ladders,
            since=since,
            until=until,
            strong=options["strong"],
            step=timedelta(minutes=options["step_minutes"]),
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Replayed {history.post_count:,} suggestions and modifications "
            f"({len(history.events):,} events) over {len(history.products)} products; "
            f"measured {since:%Y-%m-%d} to {until:%Y-%m-%d} ({rows[0].weeks} weeks), "
            f"the job every {options['step_minutes']} min; strong idea: "
            f"{options['strong']}+ supporters, posted in the range. "
            f"Loaded in {loaded:.1f} s, replayed in {elapsed - loaded:.1f} s."
        )
        self.stdout.write("")
        self.stdout.write(format_table(rows))
