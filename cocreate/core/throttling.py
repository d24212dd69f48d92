"""DRF's rate throttles, letting requests through while the cache (Redis) is down.

An API answering without its rate limits for the length of an outage beats one answering 500:
each request let through that way is counted and logged as degraded "throttle"
(cocreate.core.degraded). Views use these classes, never DRF's own.
"""

from rest_framework import throttling

from cocreate.core.cache import CacheUnavailable, cache_required
from cocreate.core.degraded import degraded


class FailOpenMixin:
    def allow_request(self, request, view) -> bool:
        try:
            with cache_required():
                return super().allow_request(request, view)
        except CacheUnavailable:
            scope = getattr(self, "scope", None) or type(self).__name__
            degraded("throttle", "API throttle %s not enforced", scope)
            return True


class AnonRateThrottle(FailOpenMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(FailOpenMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(FailOpenMixin, throttling.ScopedRateThrottle):
    pass
