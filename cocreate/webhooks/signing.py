"""The signature receivers check: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint secret."""

import hashlib
import hmac

SIGNATURE_HEADER = "X-CoCreate-Signature"
TIMESTAMP_HEADER = "X-CoCreate-Timestamp"
EVENT_HEADER = "X-CoCreate-Event"
DELIVERY_HEADER = "X-CoCreate-Delivery"


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_matches(*, secret: str, timestamp: int, body: bytes, received: str) -> bool:
    return hmac.compare_digest(signature(secret=secret, timestamp=timestamp, body=body), received)
