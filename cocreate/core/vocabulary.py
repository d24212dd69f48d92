"""The search vocabulary and typo corrections, with core PostgreSQL only (docs/search.md,
"Search that forgives").

The vocabulary (core.SearchWord) holds the words of the texts people search: each app registers
its searchable texts with `register_vocabulary_source`, and `refresh_vocabulary` (a periodic
job, idempotent) rebuilds it from them in one statement. `corrections` finds, for the typed
words that match nothing, the likeliest vocabulary word one or two edits away: every word is
stored with its one-deletion variants, so a typed word and a vocabulary word one edit apart
share a variant (SymSpell), found with one GIN index lookup for all the typed words.
"""

from collections.abc import Callable, Iterable

from django.db import connection, connections, router, transaction
from django.db.models import QuerySet

from .models import SearchWord

# Shorter words are never corrected: three letters have too many neighbours one edit away.
MIN_WORD_LENGTH = 4
MAX_WORD_LENGTH = 30
# The typed words looked up at most (a query is a few words).
MAX_WORDS = 8
_ADVISORY_LOCK = 0x5EA2C4  # runs of the refresh take turns

# Callables returning a queryset of one text column, named `text` (see register_vocabulary_source).
_SOURCES: list[Callable[[], QuerySet]] = []


def register_vocabulary_source(texts: Callable[[], QuerySet]) -> None:
    """`texts()` returns a queryset with one column, `text`: the searchable texts of an app
    (e.g. the listed posts' title and body). Called from the app's ready()."""
    _SOURCES.append(texts)


def variants(word: str) -> list[str]:
    """The word and each spelling of it with one letter deleted, as the vocabulary stores them."""
    deleted = {word[:index] + word[index + 1 :] for index in range(len(word))}
    return [word, *sorted(deleted - {word})]


def refresh_vocabulary(*, config: str = "english") -> int:
    """Rebuild the vocabulary from the registered sources: new words added, frequencies that
    changed updated, words no longer written removed. Returns how many rows changed (0 on a
    re-run over the same texts). One statement, under a transaction-level advisory lock."""
    from .search import HAN_CHARACTERS

    if not _SOURCES:
        return 0
    selects, params = [], []
    for source in _SOURCES:
        sql, source_params = source().order_by().values("text").query.sql_with_params()
        selects.append(f"SELECT text FROM ({sql}) AS source")
        params.extend(source_params)
    table = connection.ops.quote_name(SearchWord._meta.db_table)
    statement = f"""
        WITH texts AS ({" UNION ALL ".join(selects)}),
        -- Runs of letters, split on anything else and on Han characters. MATERIALIZED: each
        -- distinct word is then stemmed once, not each of its occurrences.
        found AS MATERIALIZED (
            SELECT word, count(*) AS frequency
            FROM texts, regexp_split_to_table(lower(texts.text), %s) AS word
            WHERE length(word) BETWEEN %s AND %s
            GROUP BY 1
        ),
        fresh AS (
            SELECT word, frequency,
                   (tsvector_to_array(to_tsvector(%s::regconfig, word)))[1] AS lexeme
            FROM found
        ),
        kept AS (SELECT * FROM fresh WHERE lexeme IS NOT NULL AND length(lexeme) <= %s),
        removed AS (
            DELETE FROM {table} AS old
            WHERE NOT EXISTS (SELECT 1 FROM kept WHERE kept.word = old.word)
            RETURNING 1
        ),
        written AS (
            INSERT INTO {table} (word, lexeme, frequency, variants)
            SELECT word, lexeme, frequency,
                   ARRAY[word] || ARRAY(
                       SELECT DISTINCT overlay(word PLACING '' FROM position FOR 1)
                       FROM generate_series(1, length(word)) AS position
                   )
            FROM kept
            ON CONFLICT (word) DO UPDATE SET frequency = EXCLUDED.frequency
            WHERE {table}.frequency <> EXCLUDED.frequency
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM removed) + (SELECT count(*) FROM written)
    """
    params += [
        f"[^[:alpha:]]+|[{HAN_CHARACTERS}]+",
        MIN_WORD_LENGTH,
        MAX_WORD_LENGTH,
        config,
        MAX_WORD_LENGTH,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def edit_distance(first: str, second: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment): insertions, deletions,
    substitutions and swaps of two neighbours count one edit each."""
    previous_row = None
    row = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        before, previous_row, row = previous_row, row, [i] + [0] * len(second)
        for j, b in enumerate(second, 1):
            row[j] = min(
                previous_row[j] + 1,
                row[j - 1] + 1,
                previous_row[j - 1] + (a != b),
            )
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                row[j] = min(row[j], before[j - 2] + 1)
    return row[-1]


def _max_distance(word: str) -> int:
    return 1 if len(word) < 6 else 2


def corrections(words: Iterable[str], *, config: str = "english") -> dict[str, str]:
    """{typed word: vocabulary word} for each typed word (lower case) that matches no word of
    the vocabulary (no word with its lexeme: "charges" matches "charging") but is one or two
    edits from one: the closest, then the most frequent. One query, whatever the words."""
    typed = [
        word
        for word in dict.fromkeys(words)
        if word.isalpha() and MIN_WORD_LENGTH <= len(word) <= MAX_WORD_LENGTH
    ][:MAX_WORDS]
    if not typed:
        return {}
    table = connection.ops.quote_name(SearchWord._meta.db_table)
    # Raw SQL skips the router: ask it, so a search served by a read replica corrects there too.
    with connections[router.db_for_read(SearchWord)].cursor() as cursor:
        cursor.execute(
            f"""
            SELECT typed.word, known.word, known.frequency,
                   known.lexeme = ANY(typed.lexemes) AS same_lexeme
            FROM (
                SELECT word, string_to_array(spellings, ' ') AS spellings,
                       tsvector_to_array(to_tsvector(%s::regconfig, word)) AS lexemes
                FROM unnest(%s::text[], %s::text[]) AS input(word, spellings)
            ) AS typed
            JOIN {table} AS known
              ON known.lexeme = ANY(typed.lexemes) OR known.variants && typed.spellings
            WHERE cardinality(typed.lexemes) > 0  -- a stop word is never corrected
            """,
            [config, typed, [" ".join(variants(word)) for word in typed]],
        )
        rows = cursor.fetchall()
    matched = {word for word, _candidate, _frequency, same_lexeme in rows if same_lexeme}
    best: dict[str, tuple] = {}
    for word, candidate, frequency, _same in rows:
        if word in matched:
            continue
        distance = edit_distance(word, candidate)
        if 0 < distance <= _max_distance(word):
            key = (distance, -frequency, candidate)
            best[word] = min(best.get(word, key), key)
    return {word: key[2] for word, key in best.items()}
