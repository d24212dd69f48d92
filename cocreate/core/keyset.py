"""Keyset (cursor) pagination: each page starts right after the last row of the previous one.

`OFFSET n` makes PostgreSQL read and drop n rows, so page 2,000 of a feed costs 2,000 times
page 1, and a page count needs a `COUNT(*)` over the whole feed. Here a page is found on the
sort's index instead: the cursor holds the sort values of the row it starts after, and the page
is `WHERE (a, b, id) < (…) ORDER BY a DESC, b DESC, id DESC LIMIT size + 1`, as fast at any depth.

The queryset's `order_by` must end with a unique field (the primary key) and name concrete,
non-null fields or annotations. Cursors are opaque to callers (URL-safe base64 of JSON); a
malformed, tampered or foreign one raises `InvalidCursor`, which pages and the API turn into 400.

`paginate_parts` pages through several querysets one after the other (every row of the first,
then those of the second …), each on its own index: a feed with the reader's language first is
its posts in that language, then the others. Its cursors also say which part they are in.
"""

import base64
import binascii
import json
import math
import operator
import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import reduce

from django.db import models
from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import Func

MAX_CURSOR_LENGTH = 400
_BIGINT = 2**63


class InvalidCursor(ValueError):
    """The cursor was not made by this paginator for this sort."""


@dataclass
class KeysetPage:
    object_list: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    page_size: int = 20

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


class _RowCompare(Func):
    """`(a, b, c) < (x, y, z)`: a row comparison, which a btree index on (a, b, c) answers as a
    range (an OR of per-column comparisons is only a filter on a full index walk)."""

    output_field = models.BooleanField()

    def __init__(self, columns, values, operator):
        super().__init__(*columns, *values)
        self.width = len(columns)
        self.operator = operator

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        left, right = ", ".join(parts[: self.width]), ", ".join(parts[self.width :])
        return f"(({left}) {self.operator} ({right}))", params


def _ordering(queryset: QuerySet) -> list[tuple[str, bool]]:
    """(name, descending) of each ordering term; "pk" is spelled as the primary key's name."""
    query = queryset.query
    order_by = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    terms = []
    for term in order_by:
        if not isinstance(term, str) or "__" in term or term.lstrip("-") == "?":
            raise TypeError(f"keyset pagination needs plain field names, not {term!r}")
        name = term.lstrip("-")
        if name == "pk":
            name = queryset.model._meta.pk.name
        terms.append((name, term.startswith("-")))
    if not terms or terms[-1][0] != queryset.model._meta.pk.name:
        raise TypeError("keyset pagination needs an ordering that ends with the primary key")
    return terms


def _output_field(queryset: QuerySet, name: str):
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    return queryset.model._meta.get_field(name)


def _signature(terms) -> int:
    """Ties a cursor to its sort: a cursor of the "top" sort is refused by the "new" one."""
    text = ",".join(("-" if descending else "") + name for name, descending in terms)
    return zlib.crc32(text.encode()) & 0xFFFF


def _encode_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _decode_value(raw, output_field):
    """A cursor value checked against its field's type: nothing out of range reaches SQL."""
    if isinstance(output_field, models.DateTimeField):
        if not isinstance(raw, str) or len(raw) > 40:
            raise InvalidCursor("bad datetime")
        try:
            value = datetime.fromisoformat(raw)
        except ValueError as error:
            raise InvalidCursor("bad datetime") from error
        if value.tzinfo is None:
            raise InvalidCursor("naive datetime")
        return value
    if isinstance(output_field, models.FloatField):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise InvalidCursor("bad number")
        return float(raw)
    if isinstance(output_field, models.IntegerField | models.AutoField):
        if isinstance(raw, bool) or not isinstance(raw, int) or not -_BIGINT <= raw < _BIGINT:
            raise InvalidCursor("bad integer")
        return raw
    raise TypeError(f"keyset pagination does not support {type(output_field).__name__}")


def encode_cursor(terms, values, *, backwards: bool, part: int = 0) -> str:
    payload = {"s": _signature(terms), "v": [_encode_value(v) for v in values]}
    if backwards:
        payload["b"] = 1
    if part:
        payload["p"] = part
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(queryset: QuerySet, cursor: str, terms=None) -> tuple[list, bool]:
    """(the sort values the page starts after, whether it goes backwards)."""
    values, backwards, _part = _decode(queryset, cursor, terms, parts=1)
    return values, backwards


def _decode(queryset: QuerySet, cursor: str, terms, *, parts: int) -> tuple[list, bool, int]:
    """(the sort values, whether backwards, the part of `parts` the cursor is in)."""
    terms = terms or _ordering(queryset)
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidCursor("too long")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError) as error:
        raise InvalidCursor("not a cursor") from error
    if not isinstance(payload, dict) or payload.get("s") != _signature(terms):
        raise InvalidCursor("not a cursor of this sort")
    values = payload.get("v")
    if not isinstance(values, list) or len(values) != len(terms):
        raise InvalidCursor("not a cursor of this sort")
    part = payload.get("p", 0)
    if isinstance(part, bool) or not isinstance(part, int) or not 0 <= part < parts:
        raise InvalidCursor("not a part of this feed")
    decoded = [
        _decode_value(raw, _output_field(queryset, name))
        for raw, (name, _d) in zip(values, terms, strict=True)
    ]
    return decoded, payload.get("b") == 1, part


def _after(terms, values, *, backwards: bool) -> Q:
    """Rows after `values` in the sort (before them when going backwards)."""
    directions = {descending for _name, descending in terms}
    if len(directions) == 1:
        # One direction for every column: a row comparison, an index range.
        descending = directions.pop() != backwards
        return Q(
            _RowCompare(
                [F(name) for name, _d in terms],
                [Value(value) for value in values],
                "<" if descending else ">",
            )
        )
    # Mixed directions: lexicographic OR of comparisons (correct, not an index range).
    alternatives = []
    for i, (name, descending) in enumerate(terms):
        equal = {n: v for (n, _d), v in zip(terms[:i], values[:i], strict=True)}
        lookup = "lt" if descending != backwards else "gt"
        alternatives.append(Q(**equal, **{f"{name}__{lookup}": values[i]}))
    return reduce(operator.or_, alternatives)


def page_query(
    queryset: QuerySet, values, *, backwards: bool = False, page_size: int = 20, terms=None
) -> QuerySet:
    """The one query of a page: `page_size + 1` rows after `values` (None: the first page)."""
    terms = terms or _ordering(queryset)
    if values is not None:
        queryset = queryset.filter(_after(terms, values, backwards=backwards))
    if backwards:
        queryset = queryset.reverse()
    return queryset[: page_size + 1]


def paginate(queryset: QuerySet, *, cursor: str | None, page_size: int) -> KeysetPage:
    """The page of `queryset` (ordered, see the module docstring) that `cursor` points at.

    Two rows are read beyond the page at most (one query): the extra one says whether there is
    a next (or previous) page. Raises InvalidCursor for a cursor this sort did not make.
    """
    return paginate_parts([queryset], cursor=cursor, page_size=page_size)


def paginate_parts(parts: list[QuerySet], *, cursor: str | None, page_size: int) -> KeysetPage:
    """The page that `cursor` points at of the rows of `parts`, one part after the other.

    The parts are ordered alike and share no row. A page within one part is one query, as in
    `paginate`; a page across the end of a part reads on in the next one (going backwards, in
    the previous one), a query each.
    """
    terms = _ordering(parts[0])
    if cursor:
        values, backwards, start = _decode(parts[0], cursor, terms, parts=len(parts))
    else:
        values, backwards, start = None, False, 0
    step = -1 if backwards else 1
    rows: list[tuple[int, object]] = []  # (part, row), in the direction of travel
    part = start
    while 0 <= part < len(parts) and len(rows) <= page_size:
        after = values if part == start else None
        size = page_size - len(rows)  # page_query reads one row more
        found = page_query(parts[part], after, backwards=backwards, page_size=size, terms=terms)
        rows += [(part, row) for row in found]
        part += step
    more = len(rows) > page_size
    rows = rows[:page_size]
    if backwards:
        rows.reverse()

    def cursor_at(entry, *, backwards: bool) -> str:
        part, row = entry
        key = [getattr(row, name) for name, _d in terms]
        return encode_cursor(terms, key, backwards=backwards, part=part)

    page = KeysetPage([row for _part, row in rows], page_size=page_size)
    if rows:
        forward_more = True if backwards else more
        backward_more = more if backwards else values is not None
        if forward_more:
            page.next_cursor = cursor_at(rows[-1], backwards=False)
        if backward_more:
            page.previous_cursor = cursor_at(rows[0], backwards=True)
    elif values is not None:
        # Past either end: offer the way back towards the rows.
        here = encode_cursor(terms, values, backwards=not backwards, part=start)
        page.previous_cursor = None if backwards else here
        page.next_cursor = here if backwards else None
    return page
