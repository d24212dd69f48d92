"""Shared pieces of the scale-data generator (`manage.py generate_scale`).

Each app writes its own tables in `<app>/scale.py` (a `generate(ctx)` function, and optionally
`finish(ctx)` run once every app has generated); the command calls them in INSTALLED_APPS order,
which follows the apps' dependencies. Rows go in with COPY, and every denormalised counter is
computed afterwards in SQL from the rows it counts.
"""

import io
import json
import math
import random
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import JSONField

from .markup import render_markdown

# COPY sends rows in chunks of about this many characters (memory stays flat).
CHUNK_CHARACTERS = 8_000_000
# Generated data spans this much time back from "now".
SPAN = timedelta(days=730)


@dataclass
class ScaleContext:
    """What the apps' generators share: the requested sizes, a seeded random generator, and the
    ids each app made for the apps after it (users, products, posts …)."""

    users: int
    posts: int
    votes: int
    tickets: int
    now: datetime
    rng: random.Random
    out: object
    made: dict = field(default_factory=dict)  # what each generator made, for others to use
    counts: dict = field(default_factory=dict)  # rows written per table, for the summary

    @property
    def start(self) -> datetime:
        return self.now - SPAN

    def log(self, message: str) -> None:
        self.out.write(f"  {message}")


# --- COPY ---------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        text = text.replace("\r", "\\r")
    return text


def _copy_value(value) -> str:
    """`value` in COPY's text format."""
    kind = type(value)
    if kind is str:
        return _escape(value)
    if kind is int:
        return str(value)
    if value is None:
        return r"\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime:
        return value.isoformat()
    return _escape(str(value))


def copy_line(*values) -> str:
    """One row in COPY's text format (without its newline), for copy_rows."""
    return "\t".join(map(_copy_value, values))


def _defaults(model, columns: Sequence[str]) -> list[tuple[str, str]]:
    """(column, COPY value) of `model`'s other columns, from their defaults: a field added later
    with a default does not break the generator. A required column without one is an error."""
    extra = []
    for model_field in model._meta.concrete_fields:
        if model_field.column in columns or model_field.generated or model_field.primary_key:
            continue
        if model_field.has_default():
            value = model_field.get_default()
            if isinstance(model_field, JSONField):
                value = json.dumps(value)
            else:
                value = model_field.get_db_prep_save(value, connection)
            extra.append((model_field.column, _copy_value(value)))
        elif not model_field.null:
            raise ValueError(
                f"{model.__name__}.{model_field.name} needs a value in the scale data."
            )
    return extra


def copy_rows(ctx: ScaleContext, model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY `rows` (values of `columns`) into `model`'s table, in chunks to keep memory flat;
    other columns take their field's default. Returns the number of rows."""
    table = model._meta.db_table
    defaults = _defaults(model, columns)
    columns = [*columns, *(column for column, _value in defaults)]
    suffix = "".join(f"\t{value}" for _column, value in defaults) + "\n"
    total = 0
    buffer = io.StringIO()
    pending = 0

    def flush():
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) FROM STDIN",
                buffer,
                size=1 << 20,
            )
        buffer.seek(0)
        buffer.truncate()

    written = 0
    for row in rows:
        # A row is a sequence of values, or (for the largest tables) a line already in COPY's
        # text format without its newline.
        written += buffer.write(row if type(row) is str else "\t".join(map(_copy_value, row)))
        written += buffer.write(suffix)
        pending += 1
        if written > CHUNK_CHARACTERS:
            flush()
            total += pending
            pending = written = 0
    if pending:
        flush()
        total += pending
    ctx.counts[table] = ctx.counts.get(table, 0) + total
    return total


def reserve_ids(table: str, count: int) -> int:
    """Take `count` consecutive ids from `table`'s sequence; returns the first one."""
    if count <= 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


@contextmanager
def bulk_load_mode(tables: Iterable[str]):
    """Drop the foreign keys, unique constraints and secondary indexes of `tables` while the
    block loads them, then build them again.

    Building an index once (sorting) and validating a foreign key or a uniqueness in one
    set-based pass are far faster than maintaining them row by row for millions of COPYed rows;
    the result is the same, and the transaction fails if any row breaks them. Primary keys and
    check constraints stay. Run inside a transaction: other sessions wait until it ends, and
    inside the block nothing may rely on a unique index (no ON CONFLICT)."""
    tables = list(tables)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
            FROM pg_constraint
            WHERE contype IN ('f', 'u') AND conrelid::regclass::text = ANY(%s)
            ORDER BY contype DESC  -- foreign keys first: they may need a unique constraint
            """,
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _kind, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, _kind, definition in reversed(constraints):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def execute(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# --- Believable numbers and dates ---------------------------------------------------------------


def long_tail(rng: random.Random, count: int, total: int, *, cap: int, alpha: float = 1.2):
    """`count` non-negative integers summing to `total` (when the cap allows), Pareto-distributed:
    a few very large, most small. None exceeds `cap`."""
    if count == 0:
        return []
    weights = [rng.paretovariate(alpha) for _ in range(count)]
    scale = total / sum(weights)
    values = [min(cap, int(w * scale)) for w in weights]
    # Hand out what rounding and the cap left, one by one, favouring the already popular.
    missing = min(total, cap * count) - sum(values)
    order = sorted(range(count), key=lambda i: -weights[i])
    index = 0
    while missing > 0:
        i = order[index % count] if rng.random() < 0.5 else rng.randrange(count)
        if values[i] < cap:
            values[i] += 1
            missing -= 1
        index += 1
    return values


def recent_biased(rng: random.Random, start: datetime, end: datetime, *, power=1.6) -> datetime:
    """A moment between `start` and `end`, more often recent (activity grows over time)."""
    return end - (end - start) * (rng.random() ** power)


def after(rng: random.Random, moment: datetime, end: datetime, *, mean_hours: float) -> datetime:
    """A moment after `moment` (exponentially distributed, mean `mean_hours`), before `end`.

    A delay that would pass `end` lands anywhere in what is left: clamping it to `end` would
    date thousands of posts' last activity to the generator's last second, as if all of them
    had been busy just now (the surfacing job would then rescore them all)."""
    latest = end - timedelta(seconds=1)
    if moment >= latest:
        return moment
    delay = timedelta(hours=rng.expovariate(1 / mean_hours))
    if moment + delay <= latest:
        return moment + delay
    return moment + (latest - moment) * rng.random()


def weighted_choice(rng: random.Random, options: Sequence[tuple]) -> object:
    """`options` are (value, weight) pairs."""
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]


def geometric(rng: random.Random, mean: float) -> int:
    """A small count with the given mean (0, 1, 2 … less and less likely)."""
    if mean <= 0:
        return 0
    p = 1 / (1 + mean)
    return int(math.log(1 - rng.random()) / math.log(1 - p))


class MarkdownBlocks:
    """render_markdown for texts made of blank-line separated blocks, rendered once per block.

    A Markdown document of block elements renders to the concatenation of its blocks' HTML, so
    generated bodies get exactly the HTML the services would store, without rendering 100,000
    documents one by one (tests check a sample against render_markdown)."""

    def __init__(self, render: Callable[[str], str] = render_markdown):
        self.render = render
        self.cache: dict[str, str] = {}

    def __call__(self, blocks: Sequence[str]) -> tuple[str, str]:
        html = []
        for block in blocks:
            rendered = self.cache.get(block)
            if rendered is None:
                rendered = self.cache[block] = self.render(block)
            html.append(rendered)
        return "\n\n".join(blocks), "".join(html)
