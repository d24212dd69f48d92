"""CSV downloads that open correctly in spreadsheet software and cannot run formulas there.

- UTF-8 with a byte order mark: Excel reads a CSV without one in the system's legacy code page,
  so Chinese names would come out garbled; LibreOffice, Numbers and scripts (Python's
  "utf-8-sig", pandas) read the mark as what it is.
- A text cell that starts with =, +, -, @, a tab or a carriage return is prefixed with an
  apostrophe, so spreadsheet software shows it as text instead of evaluating it as a formula
  (CSV injection: a part named "=HYPERLINK(…)" must stay a name). Numbers are written as they are.
"""

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV attachment named `filename` (ASCII: build it from slugs and dates)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response
