"""Which agents have a ticket open on the desk right now, and whether they are typing a reply.

The ticket page sends a heartbeat every few seconds (htmx polling `desk_presence`); the cache's
Redis keeps, per ticket, a hash with a field per agent: their name, what they do and when that
stops being true. An agent who closed the page is gone once their last heartbeat expires, and the
hash itself after a quiet spell. Redis down: nobody is shown and the page works as before (counted
as degraded "presence": docs/running_without_redis.md).
"""

import functools
import json
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache

from cocreate.core.cache import CacheUnavailable
from cocreate.core.degraded import degraded

HEARTBEAT_SECONDS = 4  # how often the page reports (the template's polling interval)
EXPIRES_SECONDS = 12  # a heartbeat counts this long: three missed ones and the agent is gone

VIEWING = "viewing"
TYPING = "typing"
STATES = (VIEWING, TYPING)


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    state: str

    @property
    def typing(self) -> bool:
        return self.state == TYPING


def _client() -> redis.Redis:
    """The cache's Redis, with its short timeouts and no retries (settings.CACHES)."""
    return _client_at(settings.CACHES["default"]["LOCATION"])


@functools.cache
def _client_at(location: str) -> redis.Redis:
    return redis.Redis.from_url(location, **settings.CACHES["default"].get("OPTIONS", {}))


def _key(ticket_id: int) -> str:
    # Under the cache's prefix, so whatever clears this project's cache keys clears these too.
    return f"{settings.CACHES['default']['KEY_PREFIX']}:desk-presence:{ticket_id}"


def _now() -> float:
    return time.time()


def presence_beat(*, ticket, agent, state: str) -> list[Presence]:
    """Record that `agent` has `ticket` open (`state`: viewing or typing); return the other
    agents there now, by name."""
    if state not in STATES:
        state = VIEWING
    now = _now()
    key = _key(ticket.pk)
    entry = json.dumps({"name": agent.public_name, "state": state, "until": now + EXPIRES_SECONDS})
    pipe = _client().pipeline()
    pipe.hset(key, str(agent.pk), entry)
    pipe.expire(key, EXPIRES_SECONDS)
    pipe.hgetall(key)
    try:
        # The cache's outage rules: a Redis that just failed is not asked again at once.
        *_, fields = cache.run(pipe.execute)
        others, stale = _read(fields, now, exclude=agent.pk)
        if stale:
            cache.run(_client().hdel, key, *stale)
    except CacheUnavailable:
        degraded("presence", "desk presence of ticket %s not shown", ticket.pk)
        return []
    return others


def _read(fields: dict, now: float, *, exclude: int) -> tuple[list[Presence], list[bytes]]:
    others, stale = [], []
    for field, raw in fields.items():
        try:
            entry = json.loads(raw)
            user_id = int(field)
        except (ValueError, TypeError):
            stale.append(field)
            continue
        if entry.get("until", 0) <= now:
            stale.append(field)
        elif user_id != exclude:
            others.append(Presence(user_id, str(entry.get("name", "")), entry.get("state", "")))
    return sorted(others, key=lambda presence: (presence.name.casefold(), presence.user_id)), stale
