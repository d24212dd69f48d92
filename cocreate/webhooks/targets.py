"""Guard against server-side request forgery: webhooks only reach public internet addresses."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def validate_target(url: str) -> None:
    """Refuse non-HTTPS URLs and hosts resolving to private, loopback or link-local addresses.

    Checked when an endpoint is saved and again before every delivery (DNS may change between).
    WEBHOOKS_ALLOW_PRIVATE_TARGETS (on in development) lifts the address check and allows http.
    """
    parts = urlsplit(url)
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise ValidationError(_("Webhook URLs must use https."), code="scheme")
    if not parts.hostname:
        raise ValidationError(_("Enter a URL with a host name."), code="host")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise ValidationError(_("The host name does not resolve."), code="resolve") from error
    if not allow_private and not all(_is_public(info[4][0]) for info in infos):
        raise ValidationError(
            _("Webhooks cannot target private, loopback or link-local addresses."),
            code="private",
        )
