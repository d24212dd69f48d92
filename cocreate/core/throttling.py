"""The API's rate throttles: DRF's scopes, rates and client identities, counted by
cocreate.core.ratelimit, and letting requests through while the cache (Redis) is down.

DRF's SimpleRateThrottle keeps the time of every request of the window in one cached list,
read and written back whole on each request: the higher the rate, the costlier each request.
Here a request is one increment of a counter per client and window (one round trip), whatever
the rate. A window starts at the client's first request; past the limit the answer is 429 with
Retry-After, the seconds left in the window.

An API answering without its rate limits for the length of an outage beats one answering 500:
each request let through that way is counted and logged as degraded "throttle"
(cocreate.core.degraded). Views use these classes, never DRF's own.
"""

from rest_framework import throttling

from cocreate.core.cache import CacheUnavailable, cache_required
from cocreate.core.degraded import degraded
from cocreate.core.ratelimit import RateLimit, rate_limit_count


class FailOpenMixin:
    def allow_request(self, request, view) -> bool:
        try:
            with cache_required():
                return super().allow_request(request, view)
        except CacheUnavailable:
            scope = getattr(self, "scope", None) or type(self).__name__
            degraded("throttle", "API throttle %s not enforced", scope)
            return True


class CountingRateThrottle(throttling.SimpleRateThrottle):
    """SimpleRateThrottle's rate and cache key, counted in a window (module docstring)."""

    _wait: int | None = None

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self._wait = rate_limit_count(key=key, rate=RateLimit(self.num_requests, self.duration))
        return self._wait is None

    def wait(self) -> int | None:
        return self._wait


# DRF's classes first: they choose the scope and the key (ScopedRateThrottle reads its scope
# from the view, then calls on to CountingRateThrottle.allow_request).
class AnonRateThrottle(FailOpenMixin, throttling.AnonRateThrottle, CountingRateThrottle):
    pass


class UserRateThrottle(FailOpenMixin, throttling.UserRateThrottle, CountingRateThrottle):
    pass


class ScopedRateThrottle(FailOpenMixin, throttling.ScopedRateThrottle, CountingRateThrottle):
    pass
