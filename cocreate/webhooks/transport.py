"""One HTTP POST to a webhook target, over a connection to the address the SSRF guard checked.

urllib would resolve the host name again when it connects, and a host whose DNS changes between the
check and the connection (DNS rebinding) would then reach an address that was never checked. So
the connection goes to `Target.address`; the Host header, TLS SNI and certificate verification
still use the host name. Redirects are never followed (http.client does not follow them).
"""

import functools
import http.client
import socket
import ssl

from .targets import DEFAULT_PORTS, Target

# What a failed attempt can raise while connecting, sending or reading the answer: socket and TLS
# errors (OSError), a malformed answer (http.client.HTTPException: BadStatusLine, LineTooLong …)
# and a value the standard library refuses (ValueError, e.g. a header it cannot encode).
TRANSPORT_ERRORS = (OSError, http.client.HTTPException, ValueError)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, hostname checking on (the default context). Built once
    per process: loading the certificate store on every delivery is wasted work."""
    return ssl.create_default_context()


class CheckedAddressConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to `target.address` that speaks to the server as `target.host`."""

    def __init__(self, target: Target, *, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target
        # Host: "name" rather than "name:443" on the scheme's own port.
        self.default_port = DEFAULT_PORTS[target.scheme]

    def connect(self):
        sock = socket.create_connection((self.target.address, self.target.port), self.timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.target.scheme == "https":
                sock = tls_context().wrap_socket(sock, server_hostname=self.target.host)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


def post(target: Target, *, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `body` to `target`; return the answer's status code. Raises TRANSPORT_ERRORS."""
    connection = CheckedAddressConnection(target, timeout=timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        # Only the status counts: the body is not read (a slow one would hold the worker).
        return connection.getresponse().status
    finally:
        connection.close()
