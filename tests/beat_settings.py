"""Settings of the beat processes that tests/core/test_beat_lock.py starts: the project's, with
one job every half second instead of the real schedule (DJANGO_SETTINGS_MODULE=tests.beat_settings)."""

from cocreate.settings import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    "every-half-second": {
        "task": "cocreate.core.tasks.clear_expired_sessions",
        "schedule": 0.5,
    },
}
