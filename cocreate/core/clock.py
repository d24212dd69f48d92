"""The time a write happens at: `timezone.now()`, unless the caller set another with `clock_at`.

The community's and the service desk's services read `now()`, and the timestamps of their rows
and of notifications are `ClockDateTimeField`s, which stamp `now()` where Django's
`auto_now`/`auto_now_add` stamp `timezone.now()`. The demo seed tells its stories this way:

    with clock_at(filed):
        ticket = ticket_create(...)

The ticket, its SLA due times and its first history line all carry `filed` from the start,
which matters because the history is append-only: nothing may be rewritten afterwards.

The moment lives in a context variable: it is seen by the code the `with` block runs, never by
other threads or requests. Jobs, leases, retries and the outbox keep reading the real time.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.db import models
from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("cocreate_clock_moment", default=None)


def now() -> datetime:
    moment = _moment.get()
    return timezone.now() if moment is None else moment


@contextmanager
def clock_at(moment: datetime):
    """Within the block, `now()` answers `moment` (an aware datetime)."""
    if timezone.is_naive(moment):
        raise ValueError("clock_at needs an aware datetime.")
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)


class ClockDateTimeField(models.DateTimeField):
    """A DateTimeField whose `auto_now` / `auto_now_add` stamp `now()` above."""

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = now()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)
