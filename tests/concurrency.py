"""Calls that race for real: each in its own thread and its own PostgreSQL connection; and a
row held locked by another connection meanwhile (`row_locked`).

Use with `pytest.mark.django_db(transaction=True)`: the threads' connections see only what
the test committed.
"""

import threading
from contextlib import contextmanager

from django.db import close_old_connections, connection, connections


def run_at_once(calls, *, timeout: float = 60) -> tuple[list, list[Exception]]:
    """Start every call at the same moment (a barrier), each on its own connection.

    Returns the calls' results in call order (None for a call that raised) and the exceptions
    that escaped them: a thread's exception is otherwise lost."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[Exception] = []

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # reported to the test, which asserts on it
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results, errors


@contextmanager
def row_locked(model, pk):
    """Another connection holds `SELECT … FOR UPDATE` on one row of `model` until the block ends,
    as a transaction updating that row does (a login writing `last_login`, say)."""
    other = connections.create_connection("default")
    try:
        other.ensure_connection()
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {model._meta.db_table} WHERE {model._meta.pk.column} = %s FOR UPDATE",
                [pk],
            )
            assert cursor.fetchone(), f"no {model.__name__} {pk} to lock"
        yield
    finally:
        other.rollback()
        other.close()
