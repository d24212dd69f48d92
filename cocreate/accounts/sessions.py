"""Sessions read from the cache, kept in the database (settings.SESSION_ENGINE).

Django's cached_db store: a signed-in request reads its session from the cache and asks the
database only on a miss; every write goes to the database first. The cache's Redis down is a
miss (cocreate.core.cache), so people stay signed in, read from the database.

What a down Redis must not do is bring a session back: a copy the store could not delete or
replace (sign-out, "sign out everywhere", a change while Redis was unreachable) would answer
again once Redis is back. So a failed delete or write of a cached copy queues its eviction in the
outbox (tasks.forget_cached_keys), which runs once the broker answers and retries until the
cache's Redis does too. Until then the copy stays unread while that Redis is down; a process
that reaches it again sooner than the task may read it for the seconds in between.
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from cocreate.core.cache import CacheUnavailable, cache_required
from cocreate.core.degraded import degraded
from cocreate.outbox.services import outbox_enqueue

KEY_PREFIX = cached_db.KEY_PREFIX


class SessionStore(cached_db.SessionStore):
    """cached_db, with the cached copy evicted later when the cache could not be told now."""

    def save(self, must_create=False):
        # The database's row first, as cached_db does; then the copy, or its later eviction.
        super(cached_db.SessionStore, self).save(must_create)
        self._update_cache([self.cache_key], self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        super(cached_db.SessionStore, self).delete(session_key)
        session_key = session_key or self.session_key
        if session_key:
            self._update_cache([KEY_PREFIX + session_key])

    def _update_cache(self, keys: list[str], data=None, timeout=None) -> None:
        """Store `data` under the one key (or delete the keys when `data` is None); if the cache
        does not answer, evict the keys once it does."""
        try:
            with cache_required():
                if data is None:
                    self._cache.delete_many(keys)
                else:
                    self._cache.set(keys[0], data, timeout)
        except CacheUnavailable:
            from .tasks import forget_cached_keys

            degraded("cache", "cached session copies not updated; their eviction is queued")
            outbox_enqueue(forget_cached_keys, keys, alias=settings.SESSION_CACHE_ALIAS)


def sessions_end(session_keys: list[str]) -> None:
    """End these sessions: their rows and their cached copies."""
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=session_keys).delete()
    SessionStore()._update_cache([KEY_PREFIX + key for key in session_keys])
