"""Read replicas: which reads may go to one, and which replica is fit to take them.

Settings add the replicas (DATABASE_REPLICA_URLS -> aliases replica_1, replica_2, …). A read goes
to a replica only when all of these hold, and to the primary ("default") otherwise:

- it happens while a web request is served by a view marked lag-tolerant: a page decorated with
  `@replica_reads` (feeds, post and product pages, search, the partner directory, the knowledge
  base), or an API list (a viewset's `list`, unless the viewset sets `replica_reads = False`);
- the request is a GET or HEAD;
- this client has not just written: an unsafe request (POST, PUT, PATCH, DELETE) sets the signed
  cookie `cc_primary_until`, and for DATABASE_READ_YOUR_WRITES_SECONDS its reads go to the
  primary, on whichever web node serves them (signed with SECRET_KEY);
- a replica is healthy: it answers and lags the primary by at most
  DATABASE_REPLICA_MAX_LAG_SECONDS (checked at most every HEALTH_SECONDS per process);
- the read is not inside `transaction.atomic` and its model is not one that must be read from the
  primary (sessions, and what apps add with `always_read_from_primary`).

So Celery tasks, management commands, the admin, every write and every unmarked view read from
the primary; writes, `select_for_update` (Django routes it as a write) and migrations always go
there. One replica serves a whole request, so a page never mixes two replicas' lags. Should a
replica fail in the middle of a request, the view is run again on the primary
(`ReplicaReadsMiddleware.process_exception`): a failing replica never becomes a 500.
"""

import contextvars
import logging
import random
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

COOKIE_NAME = "cc_primary_until"
_COOKIE_SALT = "cocreate.core.db_routing.primary_until"
_READS = ("GET", "HEAD")
_CHANGES_NOTHING = ("GET", "HEAD", "OPTIONS", "TRACE")
# How long a replica's health reading is trusted, per process.
HEALTH_SECONDS = 2.0
# The replica's lag in seconds: 0 when it is the primary (a test mirror) or has replayed all it
# received from a connected primary, else the time since the last transaction it replayed (NULL,
# unknown, when it has replayed none).
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (SELECT FROM pg_stat_wal_receiver) THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""

# The replica this request reads from, or None: the primary.
_reads_from: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "cocreate_reads_from", default=None
)
# alias -> (monotonic time of the check, healthy)
_health: dict[str, tuple[float, bool]] = {}
_primary_only = {"sessions.session"}


def always_read_from_primary(*labels: str) -> None:
    """Models ("app_label.ModelName") read from the primary even in a lag-tolerant view: what
    decides who the caller is (an API token) must never lag behind its creation."""
    _primary_only.update(label.lower() for label in labels)


def replica_reads(view):
    """Mark a page's view as tolerating a few seconds' lag: its GET reads may go to a replica."""
    view.replica_reads = True
    return view


def replica_aliases() -> list[str]:
    return [alias for alias in connections if alias.startswith("replica_")]


def lag_tolerant(view_func) -> bool:
    """A view marked with `replica_reads`, or an API list whose viewset does not refuse it."""
    marked = getattr(view_func, "replica_reads", None)
    if marked is not None:
        return bool(marked)
    actions = getattr(view_func, "actions", None) or {}
    return actions.get("get") == "list" and getattr(view_func.cls, "replica_reads", True)


def read_your_writes_seconds() -> int:
    return getattr(settings, "DATABASE_READ_YOUR_WRITES_SECONDS", 5)


def has_just_written(request) -> bool:
    """This client sent a change less than DATABASE_READ_YOUR_WRITES_SECONDS ago (on any web
    node: the cookie is signed with SECRET_KEY). A tampered or unsigned cookie counts for
    nothing."""
    value = request.get_signed_cookie(COOKIE_NAME, default=None, salt=_COOKIE_SALT)
    try:
        return value is not None and float(value) > time.time()
    except ValueError:
        return False


def mark_written(response) -> None:
    seconds = read_your_writes_seconds()
    if seconds <= 0:
        return
    response.set_signed_cookie(
        COOKIE_NAME,
        f"{time.time() + seconds:.3f}",
        salt=_COOKIE_SALT,
        max_age=seconds,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def forget_replica_health() -> None:
    """Every replica is checked again on its next use (tests; a replica brought back)."""
    _health.clear()


def _lag(alias: str) -> float | None:
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        (lag,) = cursor.fetchone()
    return None if lag is None else float(lag)


def replica_healthy(alias: str) -> bool:
    """The replica answers and lags by at most DATABASE_REPLICA_MAX_LAG_SECONDS; the answer is
    kept HEALTH_SECONDS, so a busy process asks each replica a cheap query every few seconds."""
    now = time.monotonic()
    checked = _health.get(alias)
    if checked is not None and now - checked[0] < HEALTH_SECONDS:
        return checked[1]
    try:
        lag = _lag(alias)
    except DatabaseError as error:
        logger.warning(
            "Read replica %s does not answer, reading from the primary: %s", alias, error
        )
        healthy = False
    else:
        healthy = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
        if not healthy:
            logger.warning("Read replica %s lags %s s, reading from the primary", alias, lag)
    _health[alias] = (now, healthy)
    return healthy


def _mark_down(alias: str) -> None:
    _health[alias] = (time.monotonic(), False)


def choose_replica() -> str | None:
    """A healthy replica for one request, or None when none is."""
    healthy = [alias for alias in replica_aliases() if replica_healthy(alias)]
    return random.choice(healthy) if healthy else None


def reading_from() -> str | None:
    """The replica this request's lag-tolerant reads go to, or None (the primary)."""
    return _reads_from.get()


@contextmanager
def reads_from_replica(alias: str | None):
    """Reads in this block go to `alias` as in a lag-tolerant view (None: the primary); writes,
    transactions and primary-only models still use the primary. For code outside a request that
    only reads and tolerates lag, and for tests."""
    token = _reads_from.set(alias)
    try:
        yield
    finally:
        _reads_from.reset(token)


class ReplicaReadsMiddleware:
    """Chooses where a request's reads go, sets the read-your-writes cookie on changes, and
    serves again from the primary a view whose replica failed under it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            _reads_from.set(None)
        if request.method not in _CHANGES_NOTHING and replica_aliases():
            mark_written(response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method in _READS
            and lag_tolerant(view_func)
            and replica_aliases()
            and not has_just_written(request)
            # Served inside a transaction (ATOMIC_REQUESTS, a test case): no replica sees it.
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            request.replica_view = (view_func, view_args, view_kwargs)
            _reads_from.set(choose_replica())
        return None

    def process_exception(self, request, exception):
        alias = _reads_from.get()
        if alias is None or not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Read replica %s failed during a request, reading from the primary", alias)
        _mark_down(alias)
        _reads_from.set(None)
        view_func, view_args, view_kwargs = request.replica_view
        response = view_func(request, *view_args, **view_kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response


class ReplicaRouter:
    """Reads go where the request's context says (`ReplicaReadsMiddleware`), all else to the
    primary: writes (select_for_update and get_or_create among them), reads inside a
    transaction, and migrations."""

    def db_for_read(self, model, **hints):
        alias = _reads_from.get()
        if (
            alias is None
            or model._meta.label_lower in _primary_only
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The primary and its replicas hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
