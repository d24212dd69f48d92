"""What went on without Redis: a count per kind since the process started, shown by /healthz,
and a warning in the log (docs/running_without_redis.md).

Kinds: `cache` (a cache read answered as a miss, a write skipped), `rate_limit` (a page's rate
limit not enforced), `throttle` (an API throttle not enforced), `account_rate_limit` (an attempt
allauth's rate limits neither checked nor recorded: cocreate/accounts/ratelimits.py), `presence`
(who else has a desk ticket open, not shown: service_desk/presence.py). Counts are per process:
each gunicorn worker keeps its own, and a restart starts them from zero.
"""

import logging
import math
import threading
import time
from collections import Counter

logger = logging.getLogger("cocreate.degraded")

# One warning per kind at most this often, saying how many happened since the previous one: an
# outage under load would otherwise write a line per request, several times over.
LOG_INTERVAL_SECONDS = 60

_lock = threading.Lock()
_counts: Counter[str] = Counter()
_unlogged: Counter[str] = Counter()
_last_logged: dict[str, float] = {}


def degraded(kind: str, message: str, *args) -> None:
    """Count one operation of `kind` that went on without Redis; `message % args` says which."""
    now = time.monotonic()
    with _lock:
        _counts[kind] += 1
        _unlogged[kind] += 1
        if now - _last_logged.get(kind, -math.inf) < LOG_INTERVAL_SECONDS:
            return
        _last_logged[kind] = now
        times = _unlogged.pop(kind)
    logger.warning(
        "Redis unavailable, going on without it (%s, %d time(s) since the last warning): "
        + message,
        kind,
        times,
        *args,
    )


def degraded_counts() -> dict[str, int]:
    """Operations per kind that went on without Redis since this process started."""
    with _lock:
        return dict(sorted(_counts.items()))
