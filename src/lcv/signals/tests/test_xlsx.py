"""Excel deliveries are read with bounded work (issue 9, "a 2 KB Excel file stops all signal
processing"): hostile files are refused as unreadable within seconds, with a Dutch message, and
are not retried; good files read as openpyxl read them."""

from __future__ import annotations

import io
import time
from datetime import date, datetime

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook
from openpyxl.utils.datetime import MAC_EPOCH

from lcv.signals import xlsx
from lcv.signals.columns import NAMES
from lcv.signals.intake import receive_file
from lcv.signals.models import Delivery, DeliveryStatus, RowError, Signal
from lcv.signals.processing import process_delivery
from lcv.signals.reading import UnreadableFile, _cell, count_rows, open_rows
from lcv.testing import xlsx_files
from lcv.testing.signals import row


def refused(content: bytes) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(UnreadableFile) as caught:
        count_rows(content, "xlsx")
    return str(caught.value), time.monotonic() - started


def test_a_huge_declared_sheet_with_a_value_at_xfd1048576_is_refused_at_once():
    content = xlsx_files.huge_declared_sheet()
    assert len(content) < 5_000
    message, seconds = refused(content)
    assert "Cel XFD1048576 ligt buiten de kolommen van een aanlevering" in message
    assert seconds < 2


def test_a_huge_declared_dimension_alone_costs_nothing():
    """The declared <dimension> is ignored: only present cells are read; empty rows are skipped."""
    content = xlsx_files.workbook(
        [
            xlsx_files.SHEET_START,
            '<dimension ref="A1:XFD1048576"/><sheetData>',
            xlsx_files.header_row(),
            '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>K9</t></is></c><c r="XFD1048576" s="3"/></row>',
            "</sheetData></worksheet>",
        ]
    )
    started = time.monotonic()
    rows = list(open_rows(content, "xlsx"))
    assert time.monotonic() - started < 2
    assert [(number, values["klantnummer"]) for number, values in rows] == [(1048576, "K9")]


def test_a_shared_string_bomb_is_refused_from_the_zip_directory_before_unpacking():
    content = xlsx_files.shared_string_bomb(megabytes=300)
    assert len(content) < 2_000_000  # 300 MB of shared strings in a small file
    message, seconds = refused(content)
    assert "ongewoon sterk ingepakt" in message
    assert seconds < 2


def test_a_zip_bomb_sheet_is_refused_before_unpacking():
    message, seconds = refused(xlsx_files.zip_bomb(megabytes=300))
    assert "ongewoon sterk ingepakt" in message
    assert seconds < 2


def test_an_entity_in_the_sheet_makes_the_file_unreadable():
    message, seconds = refused(xlsx_files.entity_in_sheet())
    assert "XML-definities (een DTD of entiteiten)" in message
    assert seconds < 2


def test_shared_strings_are_capped_in_number_and_in_size(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 10_000)
    message, _seconds = refused(xlsx_files.many_shared_strings(count=10_001))
    assert "meer dan 10.000 verschillende teksten" in message
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 2_000_000)
    monkeypatch.setattr(xlsx, "MAX_SHARED_BYTES", 10_000)
    message, _seconds = refused(xlsx_files.many_shared_strings(count=5_000))
    assert "verschillende teksten of meer dan" in message


def test_a_part_larger_than_the_cap_is_refused_by_its_declared_size(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_PART_BYTES", 100_000)
    message, _seconds = refused(xlsx_files.good([row(klantnummer=f"K{n}") for n in range(500)]))
    assert "pakt uit tot meer dan" in message


def test_the_time_budget_stops_reading(settings):
    settings.LCV_XLSX_READ_SECONDS = 0
    message, _seconds = refused(xlsx_files.good([row(klantnummer=f"K{n}") for n in range(2_000)]))
    assert "duurde langer dan 0 seconden" in message


def test_the_memory_budget_stops_reading(settings, monkeypatch):
    """The process's memory as the reader sees it grows by 1 MB per block read (how much a real
    process grows depends on what its allocator already holds, so it is simulated here)."""
    settings.LCV_XLSX_READ_MEGABYTES = 5
    megabytes = iter(range(100, 10_000))
    monkeypatch.setattr(xlsx, "resident_megabytes", lambda: next(megabytes))
    message, _seconds = refused(xlsx_files.good([row(klantnummer=f"K{n}") for n in range(2_000)]))
    assert "meer dan 5 MB geheugen" in message
    assert (xlsx.resident_megabytes() or 0) < 120  # stopped after a few blocks, not at the end of the file


def test_damaged_files_are_unreadable_with_a_dutch_message():
    good = xlsx_files.good([row()])
    broken_xml = xlsx_files.workbook([xlsx_files.SHEET_START, "<sheetData", "</worksheet>"])
    for content in (good[: len(good) // 2], b"PK\x03\x04" + b"\x00" * 100, broken_xml):
        message, _seconds = refused(content)
        assert "geen leesbaar Excel-bestand" in message


@pytest.mark.django_db
def test_a_hostile_excel_delivery_is_unreadable_after_one_attempt_and_keeps_nothing(world):
    for content in (xlsx_files.huge_declared_sheet(), xlsx_files.shared_string_bomb(), xlsx_files.entity_in_sheet()):
        received = receive_file(
            organisation=world["water"], actor=world["deliverer"], file_name="signalen.xlsx", content=content
        )
        delivery = process_delivery(received.delivery.pk)
        assert delivery.status == DeliveryStatus.UNREADABLE
        assert delivery.attempts == 1
        assert delivery.error
        assert process_delivery(received.delivery.pk).attempts == 1  # finished: not run again
    assert not Signal.objects.exists()


@pytest.mark.django_db
def test_a_budget_exceeded_half_way_keeps_nothing_of_the_delivery(world, monkeypatch):
    """All or nothing: chunks committed before the budget ran out are removed again."""
    content = xlsx_files.good([row(klantnummer=f"K{n}", bedrag="x" if n % 2 else "12,00") for n in range(3_000)])
    monkeypatch.setattr(xlsx, "BLOCK", 4096)
    checks: dict[str, int] = {"n": 0, "limit": 0}

    def check(budget: xlsx.Budget) -> None:
        checks["n"] += 1
        if checks["limit"] and checks["n"] > checks["limit"]:
            raise xlsx.BadWorkbook("Het lezen van het Excel-bestand duurde te lang.")

    monkeypatch.setattr(xlsx.Budget, "check", check)
    count_rows(content, "xlsx")
    # the budget runs out after the counting pass, half-way through the reading pass
    checks["limit"] = checks["n"] + checks["n"] // 2
    checks["n"] = 0
    received = receive_file(
        organisation=world["water"], actor=world["deliverer"], file_name="signalen.xlsx", content=content
    )
    delivery = process_delivery(received.delivery.pk, chunk_size=200)
    assert delivery.status == DeliveryStatus.UNREADABLE
    assert delivery.rows_total == 3_000
    assert (delivery.rows_done, delivery.accepted, delivery.rejected) == (0, 0, 0)
    assert not Signal.objects.exists()
    assert not RowError.objects.exists()
    assert Delivery.objects.get().error == "Het lezen van het Excel-bestand duurde te lang."


def _openpyxl_rows(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """What the reader gave before issue 9 (openpyxl, read-only), as the oracle."""
    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip().lower() for cell in next(iterator)]
    result = []
    for number, cells in enumerate(iterator, start=2):
        values = [_cell(cell) for cell in cells]
        if any(value.strip() for value in values):
            result.append((number, dict(zip(header, values, strict=False))))
    return result


@pytest.mark.parametrize("epoch_1904", [False, True])
def test_values_dates_booleans_numbers_and_row_numbers_read_as_openpyxl_read_them(epoch_1904):
    book = OpenpyxlWorkbook()
    if epoch_1904:
        book.epoch = MAC_EPOCH
    sheet = book.active
    assert sheet is not None
    sheet.append(list(NAMES))
    sheet.append(["K1", "J.", None, "Berg", date(1981, 3, 14), "3511AB", 12, "b", None, "Utrecht", 612345678])
    sheet.append([])  # an empty row is skipped; the next keeps its own number
    sheet.append(["K2", None, None, "Ökçe", datetime(2026, 1, 1, 13, 30), "3511 ab", 12.0, None, None, None])
    sheet.append([None] * 14 + [245.5, "01-01-2026", True, False, "ja", "nee"])
    sheet.append(["  ", None, ""])  # only blanks: skipped
    sheet.cell(row=9, column=4, value="Laat")  # after a gap of rows
    sheet.cell(row=9, column=15, value=-3)
    sheet.cell(row=10, column=1, value="=1+1")  # a formula without a cached value reads as empty
    sheet.cell(row=11, column=15, value=1e20)
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()

    expected = _openpyxl_rows(content)
    width = len(NAMES)
    assert [number for number, _values in expected] == [2, 4, 5, 9, 11]
    got = list(open_rows(content, "xlsx"))
    assert [(number, {k: v for k, v in values.items() if v}) for number, values in got] == [
        (number, {k: v for k, v in values.items() if v}) for number, values in expected
    ]
    assert all(len(values) == width for _number, values in got)
    assert got[0][1]["geboortedatum"] == "14-03-1981"
    assert got[1][1]["geboortedatum"] == "01-01-2026"
    assert got[2][1]["warme_overdracht"] == "ja"
    assert count_rows(content, "xlsx") == len(expected)


def test_inline_strings_rich_text_and_missing_cell_references_are_read():
    content = xlsx_files.workbook(
        [
            xlsx_files.SHEET_START,
            "<sheetData>",
            xlsx_files.header_row(),
            '<row><c t="inlineStr"><is><r><t>K</t></r><r><t xml:space="preserve">7 </t></r>'
            "<rPh><t>fonetisch</t></rPh></is></c><c/><c/>"
            '<c t="inlineStr"><is><t>Berg &amp; Zn</t></is></c></row>',
            "</sheetData></worksheet>",
        ]
    )
    [(number, values)] = list(open_rows(content, "xlsx"))
    assert number == 2
    assert (values["klantnummer"], values["achternaam"]) == ("K7 ", "Berg & Zn")
