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


def _part(text_sql: str, weight: str) -> str:
    return f"""setweight(to_tsvector('{SEARCH_CONFIG}',
        regexp_replace(coalesce({text_sql}, ''), %(han)s, ' \\1 ', 'g')), '{weight}')"""


def _expected(tickets: str = "true", messages: str = "true") -> str:
    """SQL selecting (id, expected document) of the tickets `tickets` selects; `messages`
    selects the same tickets' messages. The messages are aggregated per ticket in one pass
    rather than looked up ticket by ticket, which stays linear even before the planner has
    statistics (the scale generator writes documents right after copying the rows)."""
    return f"""
        SELECT t.id,
            t.search_vector || {_part("m.public", "C")} || {_part("m.notes", "D")} AS expected
        FROM {Ticket._meta.db_table} t
        LEFT JOIN (
            SELECT ticket_id,
                left(string_agg(body, E'\\n' ORDER BY id) FILTER (WHERE NOT internal),
                     {MAX_CHARS}) AS public,
                left(string_agg(body, E'\\n' ORDER BY id) FILTER (WHERE internal),
                     {MAX_CHARS}) AS notes
            FROM {TicketMessage._meta.db_table}
            WHERE {messages}
            GROUP BY ticket_id
        ) m ON m.ticket_id = t.id
        WHERE {tickets}
    """


# (id, expected document) of every ticket, for check_consistency.
EXPECTED = _expected()
PARAMS = {"han": f"([{HAN_CHARACTERS}])"}


def documents_refresh(ticket_ids) -> None:
    """Write the search documents of `ticket_ids` from their current texts (in the caller's
    transaction, so a message and its findability commit together)."""
    _write(_expected("t.id = ANY(%(ids)s)", "ticket_id = ANY(%(ids)s)"), {"ids": list(ticket_ids)})


def documents_refresh_range(first: int, last: int) -> None:
    """The documents of the tickets with ids first … last (for filling in batches)."""
    between = "BETWEEN %(first)s AND %(last)s"
    _write(_expected(f"t.id {between}", f"ticket_id {between}"), {"first": first, "last": last})


def _write(expected: str, params: dict) -> None:
    table = TicketSearchDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (ticket_id, document)
            SELECT id, expected FROM ({expected}) e
            ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document
            """,
            {**PARAMS, **params},
        )
