"""Guard against server-side request forgery: webhooks only reach public internet addresses."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class Target:
    """Where a delivery goes: `address` is the IP address the guard checked. The delivery connects
    to it, not to whatever `host` resolves to by then (DNS can change between the two), and still
    sends `host` in the Host header and verifies the TLS certificate for it."""

    scheme: str
    host: str  # ASCII (IDNA) host name, or an IP address without brackets
    port: int
    path: str  # path and query string, at least "/"
    address: str


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def _parse(url: str):
    # urlsplit and .port raise ValueError for a malformed address ("https://[::1/h", a port over
    # 65535): that is a wrong URL, reported on the field like any other. So is port 0.
    try:
        parts = urlsplit(url)
        port = parts.port
        hostname = parts.hostname
    except ValueError as error:
        raise ValidationError(_("Enter a valid URL."), code="invalid") from error
    if port == 0:
        raise ValidationError(_("Enter a valid URL."), code="invalid")
    return parts, port, hostname


def validate_target(url: str) -> Target:
    """Refuse non-HTTPS URLs and hosts resolving to private, loopback or link-local addresses;
    return the target with the checked address to connect to.

    Checked when an endpoint is saved and again before every delivery (DNS may change between).
    WEBHOOKS_ALLOW_PRIVATE_TARGETS (on in development) lifts the address check and allows http.
    """
    parts, port, hostname = _parse(url)
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise ValidationError(_("Webhook URLs must use https."), code="scheme")
    if not hostname:
        raise ValidationError(_("Enter a URL with a host name."), code="host")
    port = port or DEFAULT_PORTS[parts.scheme]
    try:
        host = hostname.encode("idna").decode("ascii")
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise ValidationError(_("The host name does not resolve."), code="resolve") from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise ValidationError(_("The host name does not resolve."), code="resolve")
    if not allow_private and not all(_is_public(address) for address in addresses):
        raise ValidationError(
            _("Webhooks cannot target private, loopback or link-local addresses."),
            code="private",
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=addresses[0])
