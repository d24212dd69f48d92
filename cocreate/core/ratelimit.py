"""A rate limit kept in the cache (Redis), for pages and, through cocreate/core/throttling.py,
the API's throttles: one counter per key and window, so each check costs the same however many
actions the window already holds.

A window starts at the key's first action and lasts the rate's period: the counter is created
with that expiry, every action increments it, and past the limit the wait is what is left of
the window. While the cache is down the limit is not enforced: the action is allowed, and
counted and logged as degraded "rate_limit" (docs/running_without_redis.md; the API's throttles
as "throttle")."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache

from cocreate.core.cache import CacheUnavailable
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


def rate_limits_count(counters: Sequence[tuple[str, RateLimit]]) -> list[int | None]:
    """Count one action under each (key, rate): for each, None if allowed, else the seconds
    until its window ends. One round trip for all (a MULTI/EXEC transaction: a counter cannot
    expire between its creation and its increment). Raises CacheUnavailable while the cache's
    Redis is down."""
    pipe = cache.client.pipeline(transaction=True)
    for key, rate in counters:
        counter = cache.make_and_validate_key(f"ratelimit:{key}:{rate.window}")
        pipe.set(counter, 0, ex=rate.window, nx=True)
        pipe.incr(counter)
        pipe.ttl(counter)
    replies = cache.run(pipe.execute)
    counts, seconds_left = replies[1::3], replies[2::3]
    return [
        max(1, left) if count > rate.limit else None
        for (_key, rate), count, left in zip(counters, counts, seconds_left, strict=True)
    ]


def rate_limit_count(*, key: str, rate: RateLimit) -> int | None:
    """rate_limits_count of one action under `key`."""
    (wait,) = rate_limits_count([(key, rate)])
    return wait


def rate_limit_hit(*, key: str, rate: RateLimit) -> int | None:
    """rate_limit_count, letting the action through while the cache is down."""
    try:
        return rate_limit_count(key=key, rate=rate)
    except CacheUnavailable:
        degraded("rate_limit", "rate limit %s not enforced", key)
        return None
