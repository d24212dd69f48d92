"""Redis outages on purpose, for the tests of what keeps working without Redis.

`refusing_redis_url()`: an address whose connections are refused. `HangingProxy`: a TCP proxy
in front of the real Redis that the test switches between forwarding and accepting connections
but never answering (a hung server). Neither touches the shared Redis server itself.
"""

import contextlib
import selectors
import socket
import threading
from urllib.parse import urlsplit, urlunsplit


def with_address(url: str, host: str, port: int) -> str:
    """`url` (a redis:// URL) pointing at host:port, keeping its database and options."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@{host}:{port}" if credentials else f"{host}:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


@contextlib.contextmanager
def refusing_redis_url(url: str):
    """`url` moved to a local port that refuses connections: a socket bound there but not
    listening holds the port for the test, so nothing else can take it meanwhile."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    try:
        yield with_address(url, "127.0.0.1", holder.getsockname()[1])
    finally:
        holder.close()


class HangingProxy:
    """Forwards connections to `upstream` (host, port) until `hang()`; from then on it accepts
    connections and reads what clients send, but never answers, on new connections and on those
    already open. `answer()` forwards again (on new connections)."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.hanging = threading.Event()
        self._stopped = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def url_for(self, url: str) -> str:
        return with_address(url, "127.0.0.1", self.port)

    def hang(self) -> None:
        self.hanging.set()

    def answer(self) -> None:
        self.hanging.clear()

    def close(self) -> None:
        self._stopped.set()
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        upstream = None
        if not self.hanging.is_set():
            upstream = socket.create_connection(self.upstream, timeout=5)
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        if upstream is not None:
            selector.register(upstream, selectors.EVENT_READ, client)
        try:
            while not self._stopped.is_set():
                for key, _events in selector.select(timeout=0.1):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    # Hanging: what arrives is swallowed, so no answer ever comes back.
                    if key.data is not None and not self.hanging.is_set():
                        key.data.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
            client.close()
            if upstream is not None:
                upstream.close()
