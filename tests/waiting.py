"""Waiting for something another thread or process does: `wait_until`, the suite's one polling
loop (a worker's task, a server starting, a file appearing)."""

import time
from collections.abc import Callable


def wait_until(
    predicate: Callable[[], object],
    *,
    timeout: float,
    interval: float = 0.1,
    message: str | Callable[[], str],
):
    """Call `predicate` every `interval` seconds until it returns something truthy, and return
    that; after `timeout` seconds without, fail the test (AssertionError) saying what it waited
    for: `message`, or what `message()` returns then (a server's log, say).

    The timeout is a bound for "it never happens", not how long it should take: make it
    generous, as the machine may be busy. An exception from `predicate` ends the wait (a
    process that exited, say, need not be waited for)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            what = message() if callable(message) else message
            raise AssertionError(f"waited {timeout:g} s in vain for {what}")
        time.sleep(min(interval, remaining))
