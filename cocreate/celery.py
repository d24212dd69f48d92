"""The Celery application: Redis broker, settings under CELERY_*, tasks found in every app."""

import contextlib
import os
from pathlib import Path

import redis
from celery import Celery, beat, signals
from celery.utils.log import get_logger
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from redis.exceptions import LockError

from cocreate.production import refuse_insecure_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")

logger = get_logger(__name__)


class PersistentScheduler(beat.PersistentScheduler):
    """Celery's own scheduler, which sends due jobs only while it holds the beat lock, and first
    creates its schedule file's directory (a fresh checkout has no .data/ yet, and beat would
    die opening the file there).

    The lock is a Redis key in the broker's database with a time to live of BEAT_LOCK_SECONDS,
    renewed at every tick (at least three times per TTL). A second beat started by mistake finds
    it held and sends nothing: it still moves its entries past their due times as if it had sent
    them, so when the holder dies (the key expires) or stops (it deletes the key) the second one
    takes over at the next due time instead of sending at once what the first already sent."""

    lock_key = "cocreate:beat:lock"

    def __init__(self, *args, **kwargs):
        self._lock = None
        self._holding = None  # not known before the first tick
        self._redis_down = False
        super().__init__(*args, **kwargs)

    def setup_schedule(self):
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        holding = self._hold_lock()
        if holding is None:
            # No Redis, so no job could be sent: ask again a second later (without this pause the
            # loop spins through every due entry), and send what fell due once it is back.
            self._holding = False
            return 1.0
        if holding != self._holding:
            if holding:
                logger.info("Beat: holds the lock; sends the due jobs.")
            else:
                logger.info("Beat: another beat holds the lock; this one waits to take over.")
        self._holding = holding
        return min(super().tick(*args, **kwargs), settings.BEAT_LOCK_SECONDS / 3)

    def apply_entry(self, entry, producer=None):
        if self._holding:
            super().apply_entry(entry, producer=producer)
        else:
            logger.debug("Beat: %s not sent: another beat holds the lock.", entry.name)

    def close(self):
        if self._holding:
            self._holding = False
            # The other beat, if any, takes over at its next tick; a lock that expired already or
            # whose Redis is gone needs no release.
            with contextlib.suppress(LockError, redis.RedisError):
                self._lock.release()
        super().close()

    def _hold_lock(self) -> bool | None:
        """Whether this beat holds the lock now: renewed if it held it, else taken if free;
        None while Redis does not answer (said once per outage)."""
        if self._lock is None:
            client = redis.Redis.from_url(self.app.conf.broker_url, socket_timeout=5)
            self._lock = client.lock(
                self.lock_key, timeout=settings.BEAT_LOCK_SECONDS, thread_local=False
            )
        try:
            holding = self._renew_or_take_lock()
        except redis.RedisError as error:  # no broker: no job could be sent anyway
            if not self._redis_down:
                logger.warning("Beat: the lock's Redis does not answer: %r", error)
            self._redis_down = True
            return None
        self._redis_down = False
        return holding

    def _renew_or_take_lock(self) -> bool:
        if self._holding:
            try:
                return self._lock.reacquire()
            except LockError:  # it expired (this beat stalled); another may have taken it
                logger.warning("Beat: lost its lock.")
        return self._lock.acquire(blocking=False)


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
