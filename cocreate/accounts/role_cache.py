"""Each user's role names (their groups' names) kept in the cache, so that a signed-in page
does not ask the database for them (User.role_names).

A change of someone's groups (m2m_changed of User.groups, a group renamed or deleted) deletes
their entry at once, and marks it as changed once the change commits: a marked entry is read
from the database and not cached again for CHANGED_SECONDS, so a request that read the old roles
before the commit cannot store them back. An entry the cache could not delete or mark (its
Redis down) is evicted through the outbox (tasks.forget_cached_keys) once it answers; meanwhile
every read asks the database. Changes that bypass these signals (a raw or bulk write to the groups' through
table) show when the entry expires, after ROLES_CACHE_SECONDS.
"""

from django.core.cache import cache
from django.db import transaction

from cocreate.core.cache import CacheUnavailable, cache_required
from cocreate.core.degraded import degraded
from cocreate.outbox.services import outbox_enqueue

ROLES_CACHE_SECONDS = 60 * 60
CHANGED_SECONDS = 60
_CHANGED = "changed"


def _key(user_id: int) -> str:
    return f"accounts:roles:{user_id}"


def cached_role_names(user_id: int) -> frozenset[str] | None:
    """The cached role names, or None when they must be read from the database."""
    names = cache.get(_key(user_id))
    return names if isinstance(names, frozenset) else None


def remember_role_names(user_id: int, names: frozenset[str]) -> None:
    """Cache names just read from the database, unless the entry was marked as changed since."""
    cache.add(_key(user_id), names, ROLES_CACHE_SECONDS)


def roles_changed(user_ids) -> None:
    """The roles of these users change in the current transaction: their cached names go."""
    keys = [_key(user_id) for user_id in user_ids]
    if keys:
        _forget(keys, cache.delete_many)
        transaction.on_commit(lambda: _forget(keys, _mark_changed))


def _mark_changed(keys: list[str]) -> None:
    cache.set_many(dict.fromkeys(keys, _CHANGED), CHANGED_SECONDS)


def _forget(keys: list[str], how) -> None:
    try:
        with cache_required():
            how(keys)
    except CacheUnavailable:
        degraded("cache", "cached roles not marked as changed; their eviction is queued")
        from .tasks import forget_cached_keys

        outbox_enqueue(forget_cached_keys, keys)
