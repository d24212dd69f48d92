"""The Django cache on Redis, for which Redis being down is a miss, not an error.

Nothing the cache holds is needed to answer a request: anonymous pages are rendered again,
counters start over. So when the cache's Redis refuses connections or does not answer within
its socket timeout (settings.CACHES OPTIONS: short, no retries), reads answer as misses and
writes are skipped, each counted and logged (cocreate.core.degraded), and the request goes on.

A hung Redis costs a timeout per call, so after a failure the cache does not ask that Redis
again for RECHECK_SECONDS (an entry of the CACHES alias): meanwhile every operation is a miss at
once. The first operation after that period asks again, and the cache is back if it answers.

Counters (incr, decr) have no honest miss: they raise CacheUnavailable, and so does every
operation inside `cache_required()`, for callers whose answer depends on what the cache holds.
Those decide how to go on: rate limits, API throttles and the account rate limits let the request
through (docs/running_without_redis.md).
"""

import contextlib
import contextvars
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from cocreate.core.degraded import degraded

logger = logging.getLogger(__name__)

DEFAULT_RECHECK_SECONDS = 5


class CacheUnavailable(Exception):
    """The cache's Redis refused, did not answer in time, or failed too recently to be asked."""


_required = contextvars.ContextVar("cache_required", default=False)


@contextlib.contextmanager
def cache_required():
    """Within it, an unavailable cache raises CacheUnavailable instead of answering a miss."""
    token = _required.set(True)
    try:
        yield
    finally:
        _required.reset(token)


# LOCATION -> time.monotonic() before which that Redis is not asked again. Shared by the
# threads of a process: Django makes a cache object per thread.
_down_until: dict[str, float] = {}


def forget_failures() -> None:
    """Ask every Redis at the next operation, however recently it failed (tests use it)."""
    _down_until.clear()


_RAISE = object()  # "no fallback": the operation raises CacheUnavailable


class _OneClientPerPool(RedisCacheClient):
    """Django's client makes a new redis-py client for every operation, and with it redis-py's
    table of some 200 response callbacks: a good part of a cache read's CPU. This one keeps one
    redis-py client per connection pool (they are thread-safe; Django's cache objects are
    per-thread anyway)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, degrading to misses while Redis is unavailable (module docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
        self._location = ",".join(self._servers)
        self._recheck_seconds = params.get("RECHECK_SECONDS", DEFAULT_RECHECK_SECONDS)

    def _call(self, operation: str, fallback, method, *args):
        try:
            return self._ask(method, *args)
        except CacheUnavailable:
            if fallback is _RAISE or _required.get():
                raise
            degraded("cache", "cache %s answered as a miss or skipped", operation)
            return fallback

    def run(self, method, *args):
        """`method(*args)`, a call of one's own to this cache's Redis (a redis-py client made
        from the same LOCATION and OPTIONS), under the rules above: CacheUnavailable when that
        Redis fails or failed less than RECHECK_SECONDS ago."""
        return self._ask(method, *args)

    @property
    def client(self):
        """The redis-py client this cache writes with, for commands of one's own: pipelines
        whose `execute` goes through run(). The same client every time (_OneClientPerPool)."""
        return self._cache.get_client(write=True)

    def _ask(self, method, *args):
        down_until = _down_until.get(self._location)
        if down_until is not None and time.monotonic() < down_until:
            raise CacheUnavailable("failed less than RECHECK_SECONDS ago")
        try:
            result = method(*args)
        except (RedisConnectionError, RedisTimeoutError) as error:
            _down_until[self._location] = time.monotonic() + self._recheck_seconds
            # The URL may hold a password: redis-py's message names only the host and port.
            log = logger.debug if down_until is not None else logger.warning
            log(
                "The cache's Redis failed (%s); asking it again in %s s",
                error,
                self._recheck_seconds,
            )
            raise CacheUnavailable(str(error)) from error
        if down_until is not None and _down_until.pop(self._location, None) is not None:
            logger.info("The cache's Redis answers again")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", _RAISE, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that could not be stored.
        return self._call("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._call("clear", _RAISE, super().clear)
