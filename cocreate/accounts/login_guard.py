"""Slow down, then refuse, repeated failed logins — per account name and per client address.

After FREE_ATTEMPTS failures in a row, each further attempt must wait an exponentially growing
delay after the previous failure (5 s, 10 s, 20 s …) up to LOCKOUT_SECONDS. A success clears the
record. Counters live in the cache (Redis), so every web worker sees them.
"""

import math
import time

from django.core.cache import cache

FREE_ATTEMPTS = 3
FIRST_DELAY_SECONDS = 5
LOCKOUT_SECONDS = 15 * 60


def _keys(username: str, client_ip: str) -> list[str]:
    return [f"login-failures:user:{username.strip().lower()}", f"login-failures:ip:{client_ip}"]


def _delay_after(failures: int) -> int:
    if failures < FREE_ATTEMPTS:
        return 0
    return min(FIRST_DELAY_SECONDS * 2 ** (failures - FREE_ATTEMPTS), LOCKOUT_SECONDS)


def login_wait_seconds(*, username: str, client_ip: str) -> int:
    """Seconds before another attempt is allowed; 0 when it may go ahead."""
    now = time.time()
    waits = [0]
    for record in cache.get_many(_keys(username, client_ip)).values():
        failures, last_failure = record
        delay = _delay_after(failures)
        if delay:
            waits.append(math.ceil(last_failure + delay - now))
    return max(0, *waits)


def login_failed(*, username: str, client_ip: str) -> None:
    now = time.time()
    for key in _keys(username, client_ip):
        failures, _last = cache.get(key, (0, now))
        cache.set(key, (failures + 1, now), timeout=LOCKOUT_SECONDS * 2)


def login_succeeded(*, username: str, client_ip: str) -> None:
    cache.delete(_keys(username, client_ip)[0])


def client_ip(request) -> str:
    """The client address as the server saw it (a trusted proxy rewrites REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "unknown")
