"""Reading a stored delivery as rows of text, streaming: CSV (comma or semicolon, UTF-8 or the
Windows encoding Excel writes), XLSX (first sheet), or the API's JSON. Row numbers are those a
person sees: in a file the header is row 1, so the first signal is row 2; in the API the first
signal is 1."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, BinaryIO

from django.conf import settings

from lcv.signals.columns import NAMES, REQUIRED
from lcv.signals.rules import unknown_columns
from lcv.signals.xlsx import BadWorkbook, Budget, Workbook

Row = tuple[int, dict[str, str]]
EMPTY: dict[str, str] = {}


class UnreadableFile(Exception):
    """The file as a whole cannot be read; nothing of it is processed. The message is Dutch."""


def _header(cells: list[Any]) -> list[str]:
    return [str(cell or "").strip().lower().replace(" ", "_").replace("-", "_") for cell in cells]


def _check_header(header: list[str], required: frozenset[str]) -> None:
    if not any(header):
        raise UnreadableFile("Het bestand is leeg of de eerste regel bevat geen kolomnamen.")
    unknown = unknown_columns(header)
    if unknown:
        raise UnreadableFile(
            "Onbekende kolom(men): "
            + ", ".join(unknown[:5])
            + ". Gebruik de kolomnamen uit het sjabloon; andere gegevens mogen niet worden aangeleverd."
        )
    missing = sorted(required - set(header), key=NAMES.index)
    if missing:
        raise UnreadableFile("Verplichte kolom(men) ontbreken: " + ", ".join(missing) + ".")


Opener = Callable[[], BinaryIO]  # opens the stored bytes again, from the start
BLOCK = 1 << 20


def _encoding(open_binary: Opener) -> str:
    """UTF-8 (with or without byte-order mark) when every byte decodes, else the Windows encoding
    Excel writes. One pass over the bytes, a block at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open_binary() as stream:
        try:
            while block := stream.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def _csv_rows(open_binary: Opener, required: frozenset[str], as_dicts: bool = True) -> tuple[list[str], Iterator[Row]]:
    encoding = _encoding(open_binary)
    with open_binary() as stream:
        first_line = stream.read(64 * 1024).split(b"\n", 1)[0]
    delimiter = ";" if first_line.count(b";") >= first_line.count(b",") else ","
    text = io.TextIOWrapper(open_binary(), encoding=encoding, errors="replace", newline="")
    # PostgreSQL text cannot hold NUL; str.replace returns the line itself when there is none
    reader = csv.reader((line.replace("\x00", "") for line in text), delimiter=delimiter)
    try:
        header = _header(next(reader))
    except StopIteration:
        text.close()
        raise UnreadableFile("Het bestand is leeg.") from None
    except csv.Error as error:
        text.close()
        raise UnreadableFile(f"Het bestand is geen leesbaar CSV-bestand ({error}).") from error
    try:
        _check_header(header, required)
    except UnreadableFile:
        text.close()
        raise

    def rows() -> Iterator[Row]:
        number = 1
        try:
            for cells in reader:
                number = reader.line_num
                if not "".join(cells).strip():  # an empty row (only separators or spaces)
                    continue
                yield number, dict(zip(header, cells, strict=False)) if as_dicts else EMPTY
        except csv.Error as error:
            raise UnreadableFile(f"Regel {number + 1} is geen leesbare CSV ({error}).") from error
        finally:
            text.close()

    return header, rows()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\x00", "")  # PostgreSQL text cannot hold NUL


def _xlsx_rows(open_binary: Opener, required: frozenset[str], as_dicts: bool = True) -> tuple[list[str], Iterator[Row]]:
    """The first worksheet, read with bounded work (lcv.signals.xlsx): a file that is too large,
    packed like a bomb, holds XML entities or exceeds the time or memory budget is unreadable."""
    with open_binary() as stream:
        content = stream.read()  # a ZIP needs random access; the upload is at most 50 MB
    budget = Budget(settings.LCV_XLSX_READ_SECONDS, settings.LCV_XLSX_READ_MEGABYTES)
    try:
        workbook = Workbook(content, budget)
        del content
        iterator = workbook.rows()
        first = next(iterator, None)
    except BadWorkbook as error:
        raise UnreadableFile(str(error)) from error
    if first is None:
        workbook.close()
        raise UnreadableFile("Het werkblad is leeg.")
    number, cells = first
    header = _header(cells if number == 1 else [])  # the column names are in row 1
    try:
        _check_header(header, required)
    except UnreadableFile:
        workbook.close()
        raise
    if number != 1:
        iterator = itertools.chain([first], iterator)

    width = len(header)

    def rows() -> Iterator[Row]:
        try:
            for number, cells in iterator:
                values = [_cell(cell) for cell in cells]
                if not any(value.strip() for value in values):
                    continue
                if len(values) < width:  # cells after the last one with a value are empty, as in a CSV row
                    values.extend([""] * (width - len(values)))
                yield number, dict(zip(header, values, strict=False)) if as_dicts else EMPTY
        except BadWorkbook as error:
            raise UnreadableFile(str(error)) from error
        finally:
            workbook.close()

    return header, rows()


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _text(text: str) -> str:
    """A key as it can be stored and shown: no NUL, no lone surrogates."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _json_rows(open_binary: Opener, required: frozenset[str]) -> tuple[list[str], Iterator[Row]]:
    try:
        with open_binary() as stream:
            body = json.loads(stream.read())  # an API body: at most a few MB
        signals = body["signalen"]
    except (ValueError, KeyError, TypeError) as error:
        raise UnreadableFile("De aanlevering is geen JSON met een lijst 'signalen'.") from error
    if not isinstance(signals, list):
        raise UnreadableFile("'signalen' moet een lijst zijn.")

    def rows() -> Iterator[Row]:
        for number, item in enumerate(signals, start=1):
            if not isinstance(item, dict):
                yield number, {"__fout__": "is geen object met velden"}
                continue
            cells = {_text(str(key)): _cell(value) for key, value in item.items()}
            if any(_has_lone_surrogate(value) for value in cells.values()):
                # JSON may escape a half of a UTF-16 pair ("\ud800"); no database can store that
                yield number, {"__fout__": "bevat een ongeldig teken (een losse \\ud800-\\udfff); verwijder het"}
                continue
            yield number, cells

    return list(NAMES), rows()


def open_rows(source: bytes | Opener, file_format: str, required: frozenset[str] = REQUIRED) -> Iterator[Row]:
    """The rows of a delivery (its bytes, or a function that opens them as a stream); raises
    UnreadableFile when the file itself cannot be read."""
    readers = {"csv": _csv_rows, "xlsx": _xlsx_rows, "json": _json_rows}
    if file_format not in readers:
        raise UnreadableFile("Lever een CSV- of Excel-bestand (.xlsx) aan.")
    open_binary: Opener = (lambda: io.BytesIO(source)) if isinstance(source, bytes) else source
    _header_names, rows = readers[file_format](open_binary, required)
    return rows


def count_rows(source: bytes | Opener, file_format: str, required: frozenset[str] = REQUIRED) -> int:
    """The number of rows open_rows will give (for the progress), without building them."""
    if file_format in ("csv", "xlsx"):
        open_binary: Opener = (lambda: io.BytesIO(source)) if isinstance(source, bytes) else source
        read = _csv_rows if file_format == "csv" else _xlsx_rows
        _header_names, rows = read(open_binary, required, as_dicts=False)
        return sum(1 for _ in rows)
    return sum(1 for _ in open_rows(source, file_format, required))


def sniff_format(file_name: str, content: bytes) -> str:
    """csv or xlsx, from the content (an .xlsx is a ZIP) rather than trusting the name alone."""
    if content[:4] == b"PK\x03\x04":
        return "xlsx"
    if file_name.lower().endswith((".xls", ".xlsx", ".ods", ".pdf", ".doc", ".docx")) or b"\x00" in content[:4096]:
        return "unknown"
    return "csv"
