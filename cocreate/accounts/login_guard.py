"""Slow down, then refuse, repeated failed logins — per account name and per client address.

After FREE_ATTEMPTS failures in a row, each further attempt must wait an exponentially growing
delay after the previous failure (5 s, 10 s, 20 s …) up to LOCKOUT_SECONDS. A success clears the
record. Counters live in the cache (Redis), so every web worker sees them; while it is down the
guard lets attempts through unchecked and unrecorded, each counted and logged as degraded
"login_guard" (docs/running_without_redis.md): people can still sign in.

The time of a failure is the clock's (`cocreate.core.clock.now()`), so a test moves it with
`clock_at` rather than waiting out a delay.
"""

import math

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from cocreate.core import clock
from cocreate.core.cache import CacheUnavailable, cache_required
from cocreate.core.degraded import degraded

FREE_ATTEMPTS = 3
FIRST_DELAY_SECONDS = 5
LOCKOUT_SECONDS = 15 * 60
RECORD_SECONDS = LOCKOUT_SECONDS * 2


def _identities(username: str, client_ip: str) -> list[str]:
    return [f"user:{username.strip().lower()}", f"ip:{client_ip}"]


def _count_key(identity: str) -> str:
    return f"login-failures:count:{identity}"


def _last_key(identity: str) -> str:
    return f"login-failures:last:{identity}"


def _delay_after(failures: int) -> int:
    if failures < FREE_ATTEMPTS:
        return 0
    return min(FIRST_DELAY_SECONDS * 2 ** (failures - FREE_ATTEMPTS), LOCKOUT_SECONDS)


def login_failure_counts(*, username: str, client_ip: str) -> tuple[int, int]:
    """Failures recorded (for the account name, for the address) since the last success."""
    identities = _identities(username, client_ip)
    counts = cache.get_many([_count_key(identity) for identity in identities])
    return tuple(counts.get(_count_key(identity), 0) for identity in identities)


def login_wait_seconds(*, username: str, client_ip: str) -> int:
    """Seconds before another attempt is allowed; 0 when it may go ahead."""
    now = clock.now().timestamp()
    identities = _identities(username, client_ip)
    keys = [key for identity in identities for key in (_count_key(identity), _last_key(identity))]
    try:
        with cache_required():
            records = cache.get_many(keys)
    except CacheUnavailable:
        degraded("login_guard", "login attempt not checked")
        return 0
    waits = [0]
    for identity in identities:
        delay = _delay_after(records.get(_count_key(identity), 0))
        if delay:
            last_failure = records.get(_last_key(identity), now)
            waits.append(math.ceil(last_failure + delay - now))
    return max(0, *waits)


def login_failed(*, username: str, client_ip: str) -> None:
    """Count one failure. The counter is incremented in the cache (atomic in Redis), so parallel
    guesses each count: a read-then-write would let them overwrite one another."""
    now = clock.now().timestamp()
    try:
        with cache_required():
            for identity in _identities(username, client_ip):
                _count_failure(identity, now)
    except CacheUnavailable:
        degraded("login_guard", "failed login not recorded")


def _count_failure(identity: str, now: float) -> None:
    count_key = _count_key(identity)
    cache.add(count_key, 0, timeout=RECORD_SECONDS)
    try:
        cache.incr(count_key)
    except ValueError:  # it expired between add and incr: this failure starts a new count
        cache.add(count_key, 1, timeout=RECORD_SECONDS)
    cache.touch(count_key, timeout=RECORD_SECONDS)
    cache.set(_last_key(identity), now, timeout=RECORD_SECONDS)


def login_succeeded(*, username: str, client_ip: str) -> None:
    identity = _identities(username, client_ip)[0]
    cache.delete_many([_count_key(identity), _last_key(identity)])


def client_ip(request) -> str:
    """The client's address as the API throttles see it: REMOTE_ADDR, or with NUM_PROXIES = n
    trusted proxies in front, the n-th address from the right of X-Forwarded-For (the entries to
    its left are whatever the client sent)."""
    return BaseThrottle().get_ident(request) or "unknown"
