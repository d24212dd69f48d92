"""allauth's rate limits (ACCOUNT_RATE_LIMITS: failed logins, sign-ups, resets …) while the
cache is down.

allauth keeps each limit's history in the cache under a short lock taken with `cache.add`. With
Redis down our cache answers that add with False (a skipped write), so allauth would wait for the
lock and then refuse: nobody could sign in. Here the lock first asks whether the cache answers;
if not, the attempt goes on unchecked and unrecorded, counted and logged as degraded
"account_rate_limit" (docs/running_without_redis.md), as our own rate limits do.
"""

from contextlib import contextmanager

from allauth.core.internal import ratelimit
from django.core.cache import cache

from cocreate.core.cache import CacheUnavailable, cache_required
from cocreate.core.degraded import degraded


def fail_open(cache_lock):
    @contextmanager
    def lock_or_go_on(cache_key):
        try:
            with cache_required():
                cache.has_key(f"{cache_key}:lock")
        except CacheUnavailable:
            degraded("account_rate_limit", "account rate limit not checked")
            yield True
            return
        with cache_lock(cache_key) as locked:
            yield locked

    return lock_or_go_on


def install() -> None:
    """Called once from AccountsConfig.ready()."""
    ratelimit.cache_lock = fail_open(ratelimit.cache_lock)
