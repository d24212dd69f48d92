"""Authenticator-app codes computed as an app does (RFC 6238: HMAC-SHA1 over the 30-second step,
six digits), from the secret the enrolment page shows: the tests check allauth against the
algorithm, not against its own helpers."""

import base64
import hashlib
import hmac
import struct
import time

PERIOD_SECONDS = 30


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows for `secret` (base32) at `at` (default: now)."""
    counter = int(time.time() if at is None else at) // PERIOD_SECONDS
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def seconds_left_in_step() -> float:
    """Seconds until the current code expires."""
    return PERIOD_SECONDS - time.time() % PERIOD_SECONDS


def current_code(secret: str) -> str:
    """The code of now, with at least 5 seconds of its step left: a code computed just before
    the step ends would be an expired one by the time the server reads it."""
    if seconds_left_in_step() < 5:
        time.sleep(seconds_left_in_step())  # let the step end; the next one is fresh
    return totp_code(secret)
