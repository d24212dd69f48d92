"""The SQL of the desk's search document (models.TicketSearchDocument), shared by the services
that write what it holds, the scale-data generator and `manage.py check_consistency`.

A ticket's document is its generated `search_vector` (subject A, description B) followed by its
public replies (C) and its internal notes (D), each a Han character per token like every other
vector (cocreate/core/search.py). Only the first MAX_CHARS characters of the replies and of the
notes are indexed: a tsvector holds at most 1 MB, and a reply must never fail because its
ticket's conversation grew too long to index.
"""

from django.db import connection

from cocreate.core.search import HAN_CHARACTERS

from .models import SEARCH_CONFIG, Ticket, TicketMessage, TicketSearchDocument

MAX_CHARS = 100_000
BATCH = 2_000  # tickets per statement when filling many


def _messages(internal: bool) -> str:
    return f"""
        (SELECT left(string_agg(m.body, E'\\n' ORDER BY m.id), {MAX_CHARS})
         FROM {TicketMessage._meta.db_table} m
         WHERE m.ticket_id = t.id AND {"" if internal else "NOT "}m.internal)
    """


def _part(text_sql: str, weight: str) -> str:
    return f"""setweight(to_tsvector('{SEARCH_CONFIG}',
        regexp_replace(coalesce({text_sql}, ''), %(han)s, ' \\1 ', 'g')), '{weight}')"""


# (id, expected document) of the tickets `where` selects.
EXPECTED = f"""
    SELECT t.id, t.search_vector || {_part(_messages(False), "C")} || {_part(_messages(True), "D")}
        AS expected
    FROM {Ticket._meta.db_table} t
"""
PARAMS = {"han": f"([{HAN_CHARACTERS}])"}


def documents_refresh(ticket_ids) -> None:
    """Write the search documents of `ticket_ids` from their current texts (in the caller's
    transaction, so a message and its findability commit together)."""
    _write("WHERE t.id = ANY(%(ids)s)", {"ids": list(ticket_ids)})


def documents_refresh_range(first: int, last: int) -> None:
    """The documents of the tickets with ids first … last (for filling in batches)."""
    _write("WHERE t.id BETWEEN %(first)s AND %(last)s", {"first": first, "last": last})


def _write(where: str, params: dict) -> None:
    table = TicketSearchDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (ticket_id, document)
            SELECT id, expected FROM ({EXPECTED} {where}) e
            ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document
            """,
            {**PARAMS, **params},
        )
