"""A fixed-window rate limit kept in the cache (Redis), for pages; the API uses DRF throttles
(cocreate/core/throttling.py). While the cache is down the limit is not enforced: the action is
allowed, and counted and logged as degraded "rate_limit" (docs/running_without_redis.md)."""

import time
from dataclasses import dataclass

from django.core.cache import cache

from cocreate.core.cache import CacheUnavailable, cache_required
from cocreate.core.degraded import degraded

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` actions per `window` seconds."""

    limit: int
    window: int

    @classmethod
    def parse(cls, rate: str) -> "RateLimit":
        """ "20/hour" → RateLimit(20, 3600): the format of DRF's throttle rates (and of the
        THROTTLE_* settings), so a page and the API can share one rate."""
        count, period = rate.split("/")
        return cls(int(count), _PERIODS[period.strip()[0]])


class RateLimited(Exception):
    """A service refused an action counted past its rate: a page answers 429 with
    `Retry-After: wait`, the API's exception handler the same as a throttle."""

    def __init__(self, wait: int):
        super().__init__(wait)
        self.wait = wait


def rate_limit_hit(*, key: str, rate: RateLimit) -> int | None:
    """Count one action under `key`; return None if allowed, else seconds until it is allowed."""
    window_start = int(time.time()) // rate.window * rate.window
    cache_key = f"ratelimit:{key}:{window_start}"
    try:
        with cache_required():
            cache.add(cache_key, 0, timeout=rate.window + 1)
            count = cache.incr(cache_key)
    except CacheUnavailable:
        degraded("rate_limit", "rate limit %s not enforced", key)
        return None
    if count > rate.limit:
        return max(1, window_start + rate.window - int(time.time()))
    return None
