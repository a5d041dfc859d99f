"""A partner's feedback list as CSV or XLSX (R20), formulas neutralised in both.

Only what the partner may see on the screen: its own delivery, row and customer number, the
municipality, the whitelist's words and the pause. No case, no name, no address."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from lcv.core.spreadsheet import FORMULA_STARTS, csv_response
from lcv.feedback.filters import KIND_LABELS
from lcv.feedback.models import SignalFeedback
from lcv.feedback.whitelist import Reason

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000


def header() -> list[str]:
    return [
        _("gemeente"),
        _("aanlevering"),
        _("aanlevering ontvangen"),
        _("rij"),
        _("klantnummer"),
        _("terugkoppeling"),
        _("reden"),
        _("incasso gepauzeerd vanaf"),
        _("incasso gepauzeerd tot en met"),
        _("pauze"),
        _("laatste bericht"),
    ]


def pause_state(row: SignalFeedback) -> str:
    if row.pause_until is None:
        return ""
    if row.pause_ended_at is not None or row.pause_until < timezone.localdate():
        return _("afgelopen")
    return _("loopt")


def delivery_name(row: SignalFeedback) -> str:
    return row.delivery.client_reference or row.delivery.file_name or str(row.delivery_id)


def rows_of(feedback: QuerySet[SignalFeedback]) -> Iterator[list[Any]]:
    reasons = dict(Reason.choices)
    for row in feedback.iterator(chunk_size=CHUNK):
        yield [
            row.municipal_party.name,
            delivery_name(row),
            timezone.localdate(row.delivery.received_at),
            row.signal.row_number,
            row.signal.customer_number,
            KIND_LABELS.get(row.reported, ""),
            str(reasons.get(row.reason, "")),
            row.pause_from,
            row.pause_until,
            pause_state(row),
            timezone.localtime(row.last_message.created_at) if row.last_message else None,
        ]


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y %H:%M") if hasattr(value, "hour") else value.strftime("%d-%m-%Y")
    return value


def as_csv(filename: str, rows: Iterable[list[Any]]) -> HttpResponse:
    return csv_response(filename, header(), ([_csv_cell(cell) for cell in row] for row in rows))


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula is written as text, marked as such."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel knows no time zones: the local time
    return value


def as_xlsx(filename: str, rows: Iterable[list[Any]]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Terugkoppeling"))
    sheet.append(header())
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
