"""The Celery application: Redis broker, settings under CELERY_*, tasks found in every app."""

import os
from pathlib import Path

from celery import Celery, beat, signals
from django.core.exceptions import ImproperlyConfigured

from cocreate.production import refuse_insecure_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")


class PersistentScheduler(beat.PersistentScheduler):
    """Celery's own scheduler, which first creates its schedule file's directory: a fresh
    checkout has no .data/ yet, and beat would die opening the file there."""

    def setup_schedule(self):
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()


app = Celery("cocreate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_insecure_start(**kwargs):
    # Celery logs and swallows an Exception raised by a signal handler: SystemExit stops it.
    try:
        refuse_insecure_start()
    except ImproperlyConfigured as error:
        raise SystemExit(str(error)) from error
