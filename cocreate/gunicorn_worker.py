"""The gunicorn worker the site runs on (gunicorn.conf.py): gthread, safe from slow clients.

gunicorn's gthread worker gives a connection to a thread as soon as its first byte arrives, and the
thread then blocks until the whole request head is in. A client sending its headers a byte a
second (slowloris) holds that thread for as long as it likes: workers × threads such clients and
nobody else is served.

This worker reads request heads in its event loop instead, without blocking, as nginx does: a
connection reaches a thread only once its request line and headers are complete, and one whose
head is not complete `header_timeout` seconds after it was accepted (or, kept alive, after its
next request began) is closed. The
body is read by the application, in the thread, against a deadline: `body_timeout` seconds plus
one second for every `body_min_rate` bytes received (the rule of Apache's mod_reqtimeout). A read
past it fails, the request gets an error and the connection is closed. gunicorn.conf.py sets the
three values from the environment.

A buffering proxy in front (deploy/nginx.conf) remains the deployment to run: it holds slow
clients and slow readers of responses without using a thread at all. This worker bounds what a
client reaching gunicorn directly can hold.

It relies on gthread's internals (gunicorn is pinned; tests/deploy covers the behaviour).
"""

import contextlib
import re
import selectors
import time
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

# The blank line ending a request head; gunicorn's parser decides what it accepts.
HEAD_END = re.compile(rb"\r?\n\r?\n")
# A head is collected in the event loop up to this size; a longer one (gunicorn refuses heads past
# its limit_request_* settings) goes to a thread, whose reads the header deadline still bounds.
HEAD_BUFFER_LIMIT = 64 * 1024
RECV_SIZE = 8192


class DeadlineSocket:
    """The connection as gunicorn's parser reads it: no recv() ends later than `deadline`.

    Each byte received moves the deadline `1 / min_rate` seconds later (when `min_rate` is set).
    Data already waiting is returned even past the deadline: only waiting for more is refused.
    """

    def __init__(self, sock):
        self.sock = sock
        self.deadline = None  # a time.monotonic() value, or None for no limit
        self.min_rate = 0
        self._timeout = None  # set by the caller (gunicorn bounds its drain of a body with it)

    def recv(self, size):
        timeout = self._timeout
        if self.deadline is not None:
            remaining = max(self.deadline - time.monotonic(), 0.0)
            timeout = remaining if timeout is None else min(timeout, remaining)
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(size)
        except BlockingIOError as error:  # timeout 0: nothing waiting
            raise TimeoutError("the client did not send the request in time") from error
        finally:
            self.sock.settimeout(self._timeout)
        if data and self.min_rate and self.deadline is not None:
            self.deadline += len(data) / self.min_rate
        return data

    def gettimeout(self):
        return self._timeout

    def settimeout(self, timeout):
        self._timeout = timeout
        self.sock.settimeout(timeout)

    def __getattr__(self, name):
        return getattr(self.sock, name)


class BufferingThreadWorker(ThreadWorker):
    """gthread reading request heads in its event loop, with header and body deadlines."""

    header_timeout = 10.0
    body_timeout = 20.0
    body_min_rate = 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Connections whose head is being read: conn -> deadline, oldest first (deadlines are
        # set on insertion as now + header_timeout, so insertion order is deadline order).
        self.heading = {}

    @classmethod
    def check_config(cls, cfg, log):
        super().check_config(cfg, log)
        # The head is read before gunicorn sees the connection: that must be plain HTTP/1.
        if cfg.is_ssl or cfg.http2_cleartext != "off" or cfg.protocol != "http":
            raise RuntimeError(
                f"{cls.__name__} serves plain HTTP/1 only: terminate TLS in the reverse proxy "
                "and leave http2_cleartext off and protocol http."
            )

    def enqueue_req(self, conn):
        """Every connection with a request to read comes here (new, kept alive, pipelined):
        it goes to a thread once its head is complete, to the event loop until then."""
        if getattr(conn, "head_complete", False):
            conn.head_complete = False
            super().enqueue_req(conn)
            return
        # A pipelined request may already be partly read, past the previous one.
        conn.head = bytearray(conn.parser.unreader.take_buffered() if conn.parser else b"")
        conn.head_deadline = time.monotonic() + self.header_timeout
        if self._head_ends(conn, 0):
            self._to_thread(conn)
            return
        conn.sock.setblocking(False)
        self.heading[conn] = conn.head_deadline
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._read_head, conn))

    def _head_ends(self, conn, searched_up_to):
        start = max(searched_up_to - 3, 0)
        return len(conn.head) >= HEAD_BUFFER_LIMIT or bool(HEAD_END.search(conn.head, start))

    def _to_thread(self, conn):
        conn.head_complete = True
        conn.data_ready = True  # gthread need not wait for the first byte
        self.enqueue_req(conn)

    def _read_head(self, conn, _fileobj):
        try:
            data = conn.sock.recv(RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self._drop(conn)
            return
        searched = len(conn.head)
        conn.head += data
        if self._head_ends(conn, searched):
            self._stop_watching(conn)
            self._to_thread(conn)

    def _stop_watching(self, conn):
        del self.heading[conn]
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)

    def _drop(self, conn):
        self._stop_watching(conn)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        """Called by gthread's loop about once a second: also close heads past their deadline."""
        super().murder_pending()
        now = time.monotonic()
        for conn, deadline in list(self.heading.items()):
            if deadline > now:
                break
            self._drop(conn)

    def handle(self, conn):
        """In the thread: give the parser the head read so far, under the header deadline."""
        head, conn.head = bytes(conn.head), bytearray()
        conn.init()  # creates the parser (plain HTTP/1 only, see check_config)
        reader = conn.parser.unreader.sock
        if not isinstance(reader, DeadlineSocket):
            reader = conn.parser.unreader.sock = DeadlineSocket(conn.sock)
        reader.deadline, reader.min_rate = conn.head_deadline, 0
        if head:
            conn.parser.unreader.unread(head)
        return super().handle(conn)

    def handle_request(self, req, conn):
        """The head is parsed: the body, read by the application, gets its own deadline."""
        reader = conn.parser.unreader.sock
        reader.deadline = time.monotonic() + self.body_timeout
        reader.min_rate = self.body_min_rate
        return super().handle_request(req, conn)
