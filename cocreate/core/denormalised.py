"""Checks of denormalised data (`manage.py check_consistency`).

Each app lists its checks in `<app>/consistency.py` as `CHECKS`. A check recomputes one stored
value per row from the rows it summarises, for every row at once (one set-based query), and
returns the rows whose stored value differs.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection


@dataclass(frozen=True)
class Difference:
    model: str
    id: int
    field: str
    stored: object
    expected: object


@dataclass(frozen=True)
class Check:
    """One stored value checked against its source rows.

    `expected` is SQL selecting (id, expected) for the rows to check; it may leave out rows
    whose value is legitimately pending (a score not refreshed yet). It is a string, or a
    function returning (sql, params) when it depends on settings. The stored value is the
    column `field` of `table`, or what `stored` selects as (id, stored) when it is not a
    column (a ledger total); such a check cannot be fixed by an UPDATE.
    """

    model: str  # "app_label.Model"
    table: str
    field: str
    expected: str | Callable[[], tuple[str, dict]]
    stored: str = ""
    tolerance: float = 0.0
    params: dict = field(default_factory=dict)

    @property
    def fixable(self) -> bool:
        return not self.stored

    def _expected(self) -> tuple[str, dict]:
        if callable(self.expected):
            return self.expected()
        return self.expected, {}

    def _differs(self) -> str:
        if self.tolerance:
            return "abs(s.value - e.expected) > %(tolerance)s * greatest(1, abs(e.expected))"
        return "s.value IS DISTINCT FROM e.expected"

    def _source(self) -> str:
        return self.stored or f"SELECT id, {self.field} AS value FROM {self.table}"

    def differences(self) -> list[Difference]:
        expected, params = self._expected()
        sql = f"""
            SELECT s.id, s.value, e.expected
            FROM ({self._source()}) s JOIN ({expected}) e ON e.id = s.id
            WHERE {self._differs()}
            ORDER BY s.id
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, {**params, "tolerance": self.tolerance})
            return [
                Difference(self.model, row_id, self.field, stored, value)
                for row_id, stored, value in cursor.fetchall()
            ]

    def fix(self) -> int:
        """Set the stored column to the expected value where they differ; returns the rows."""
        if not self.fixable:
            return 0
        expected, params = self._expected()
        sql = f"""
            UPDATE {self.table} t SET {self.field} = e.expected
            FROM ({expected}) e, (SELECT id, {self.field} AS value FROM {self.table}) s
            WHERE e.id = t.id AND s.id = t.id AND {self._differs()}
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, {**params, "tolerance": self.tolerance})
            return cursor.rowcount
