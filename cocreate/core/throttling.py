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
from cocreate.core.ratelimit import RateLimit, rate_limits_count


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
        counter = self.counter(request, view)
        if counter is None:
            return True
        (self._wait,) = rate_limits_count([counter])
        return self._wait is None

    def counter(self, request, view) -> tuple[str, RateLimit] | None:
        """What this request counts against, its key and rate (None: nothing), for
        ThrottlesCountedTogether."""
        if self.rate is None:
            return None
        key = self.get_cache_key(request, view)
        return None if key is None else (key, RateLimit(self.num_requests, self.duration))

    def wait(self) -> int | None:
        return self._wait


class ThrottlesCountedTogether:
    """An API view whose throttles with a `counter` (CountingRateThrottle, an app's own) count
    in one round trip to the cache, not one each: a vote counts the caller's API rate and the
    vote's. As DRF's check_throttles: every throttle counts, past any the answer is 429 with
    the longest wait, and while the cache is down they let the request through, each counted
    and logged as degraded "throttle"."""

    def check_throttles(self, request):
        counted, waits = [], []
        for throttle in self.get_throttles():
            if not hasattr(throttle, "counter"):
                if not throttle.allow_request(request, self):
                    waits.append(throttle.wait())
            elif (counter := throttle.counter(request, self)) is not None:
                counted.append((throttle, counter))
        if counted:
            waits += _counted_together(counted)
        if waits:
            self.throttled(request, max((wait for wait in waits if wait), default=None))


def _counted_together(counted: list) -> list[int]:
    """The waits of those of `counted` (throttle, counter) past their rate."""
    try:
        waits = rate_limits_count([counter for _throttle, counter in counted])
    except CacheUnavailable:
        for throttle, _counter in counted:
            scope = getattr(throttle, "scope", None) or type(throttle).__name__
            degraded("throttle", "API throttle %s not enforced", scope)
        return []
    return [wait for wait in waits if wait is not None]


# DRF's classes first: they choose the scope and the key (ScopedRateThrottle reads its scope
# from the view, then calls on to CountingRateThrottle.allow_request).
class AnonRateThrottle(FailOpenMixin, throttling.AnonRateThrottle, CountingRateThrottle):
    pass


class UserRateThrottle(FailOpenMixin, throttling.UserRateThrottle, CountingRateThrottle):
    pass


class ScopedRateThrottle(FailOpenMixin, throttling.ScopedRateThrottle, CountingRateThrottle):
    def counter(self, request, view):
        # Asked alone (ThrottlesCountedTogether), the scope is read from the view first, as
        # DRF's allow_request does.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return None
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().counter(request, view)
