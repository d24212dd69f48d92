"""Run one periodic job (an entry of CELERY_BEAT_SCHEDULE) once, here and now."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Run a periodic job once, synchronously. Without a name, list the jobs."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="A key of CELERY_BEAT_SCHEDULE.")

    def handle(self, *args, name=None, **options):
        schedule = settings.CELERY_BEAT_SCHEDULE
        if name is None:
            for job_name, entry in schedule.items():
                self.stdout.write(f"{job_name:<32} {entry['task']}")
            return
        if name not in schedule:
            raise CommandError(f"Unknown job {name!r}; known: {', '.join(schedule)}")
        # Task names are their dotted paths, so the schedule entry names the function to import.
        task = import_string(schedule[name]["task"])
        result = task.apply(args=schedule[name].get("args", ()), throw=True)
        self.stdout.write(self.style.SUCCESS(f"{name}: {result.result!r}"))
