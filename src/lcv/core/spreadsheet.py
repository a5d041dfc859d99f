"""CSV written for spreadsheet programs (Excel): Dutch semicolons, a byte-order mark, and no cell
that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Keep spreadsheet programs from running a text cell as a formula."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 correctly with a byte-order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return response
