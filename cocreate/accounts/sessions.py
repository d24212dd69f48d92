"""Sessions read from the cache, kept in the database (settings.SESSION_ENGINE).

Django's cached_db store: a signed-in request reads its session from the cache and asks the
database only on a miss; every write goes to the database first. The cache's Redis down is a
miss (cocreate.core.cache), so people stay signed in, read from the database.

What a down Redis must not do is bring a session back: a copy the store could not delete or
replace (sign-out, "sign out everywhere", a change while Redis was unreachable) would answer
again once Redis is back. So a failed delete or write of a cached copy queues its eviction in the
outbox (tasks.forget_cached_sessions), which runs once the broker answers and retries until
the cache's Redis does too. Until then the copy stays unread while that Redis is down; a process
that reaches it again sooner than the task may read it for the seconds in between.
"""

from django.contrib.sessions.backends import cached_db
from django.core.cache import caches

from cocreate.core.cache import CacheUnavailable, cache_required
from cocreate.core.degraded import degraded
from cocreate.outbox.services import outbox_enqueue

KEY_PREFIX = cached_db.KEY_PREFIX


class SessionStore(cached_db.SessionStore):
    """cached_db, with the cached copy evicted later when the cache could not be told now."""

    def save(self, must_create=False):
        # The database's row first, as cached_db does; then the copy, or its later eviction.
        super(cached_db.SessionStore, self).save(must_create)
        self._update_cache(self.cache_key, self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        super(cached_db.SessionStore, self).delete(session_key)
        session_key = session_key or self.session_key
        if session_key:
            self._update_cache(KEY_PREFIX + session_key)

    def _update_cache(self, key: str, data=None, timeout=None) -> None:
        """Store `data` under `key` (or delete the key when `data` is None); if the cache does
        not answer, evict the key once it does."""
        try:
            with cache_required():
                if data is None:
                    self._cache.delete(key)
                else:
                    self._cache.set(key, data, timeout)
        except CacheUnavailable:
            degraded("cache", "session copy not updated; its eviction is queued")
            forget_cached_sessions_later([key])


def forget_cached_sessions_later(keys: list[str]) -> None:
    from .tasks import forget_cached_sessions

    outbox_enqueue(forget_cached_sessions, keys)


def forget_cached_sessions(keys: list[str]) -> None:
    """Delete these cached session copies; CacheUnavailable while the cache's Redis is down."""
    from django.conf import settings

    with cache_required():
        caches[settings.SESSION_CACHE_ALIAS].delete_many(keys)


def sessions_end(session_keys: list[str]) -> None:
    """End these sessions: their rows and their cached copies."""
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=session_keys).delete()
    keys = [KEY_PREFIX + key for key in session_keys]
    try:
        forget_cached_sessions(keys)
    except CacheUnavailable:
        degraded("cache", "session copies not deleted; their eviction is queued")
        forget_cached_sessions_later(keys)
