"""The few SQL statements the ORM does not write for us, shared by every app."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def insert_once(model, **values) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on the model's unique constraint (one vote or follow per
    user and post, one vote per user and article): True when the row is new. A concurrent
    insert of the same row waits for the other's commit, then finds it there instead of failing.
    One query, where get_or_create takes four (select, savepoint, insert, release): the vote is
    the hottest write."""
    columns = ", ".join(connection.ops.quote_name(column) for column in values)
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
            f"VALUES ({placeholders}) ON CONFLICT DO NOTHING RETURNING id",
            list(values.values()),
        )
        return cursor.fetchone() is not None


@contextmanager
def advisory_lock(key: int) -> Iterator[None]:
    """A session-level PostgreSQL advisory lock, waited for: held across the block's several
    transactions, so runs of a job take turns. A killed run's connection closes, which
    releases the lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@contextmanager
def advisory_lock_tried(key: int) -> Iterator[bool]:
    """A session-level PostgreSQL advisory lock, only if free: yields whether it is held, so a
    run that finds another one working returns at once instead of waiting."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
