"""Reading a stored delivery as rows of text, streaming: CSV (semicolon, comma or tab; UTF-8, UTF-16
or the Windows encoding Excel writes; an Excel 'sep=' first line), XLSX (first sheet), or the API's
JSON. Row numbers are those a person sees in a spreadsheet: in a file the header is row 1, so the
first signal is row 2, also when a cell holds a line break; in the API the first signal is 1.

A CSV row that cannot be read (a quote that is never closed, a cell or line too long) is refused
on its own (FAULT), and reading goes on with the next line."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, BinaryIO

from django.conf import settings

from lcv.signals.columns import NAMES, REQUIRED
from lcv.signals.models import TextEncoding
from lcv.signals.rules import unknown_columns
from lcv.signals.xlsx import BadWorkbook, Budget, Workbook, _column_letters

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
    first_at: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in first_at:
            raise UnreadableFile(
                f"De kolom '{name}' staat twee keer in de eerste regel (kolom {_column_letters(first_at[name])} en "
                f"kolom {_column_letters(position)}). Laat er één staan, dan is duidelijk welke waarde geldt."
            )
        if name:
            first_at[name] = position
    missing = sorted(required - set(header), key=NAMES.index)
    if missing:
        raise UnreadableFile("Verplichte kolom(men) ontbreken: " + ", ".join(missing) + ".")


def _check_nameless(cells: list[Any], nameless: list[int], number: int) -> None:
    """Data under a column whose header cell is empty would be lost without a word: the file is
    refused instead. Empty columns without a name (Excel often keeps a few) are fine."""
    for index in nameless:
        if index < len(cells) and str(cells[index] or "").strip():
            letters = _column_letters(index + 1)
            raise UnreadableFile(
                f"Kolom {letters} heeft in de eerste regel geen kolomnaam, maar in rij {number} staat er wel iets in. "
                "Zet de juiste kolomnaam uit het sjabloon boven die kolom, of verwijder de kolom."
            )


Opener = Callable[[], BinaryIO]  # opens the stored bytes again, from the start
BLOCK = 1 << 20
NOT_A_TABLE = (
    "Dit is geen CSV- of Excelbestand: de inhoud is geen tabel met tekst. Sla de signalen op als 'CSV UTF-8' of "
    "als Excel-werkmap (.xlsx), zoals het sjabloon, en lever dat bestand aan."
)
STRAY_BYTE = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as surrogateescape decodes it
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")  # never in a table of text


def _windows_bytes(error: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: a byte that is not UTF-8 is read as Windows-1252 (TextEncoding.MIXED)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("lcv-windows-bytes", _windows_bytes)
# TextEncoding -> (codec, error handler) for io.TextIOWrapper
CODECS = {
    TextEncoding.UTF8: ("utf-8-sig", "replace"),
    TextEncoding.UTF16: ("utf-16", "replace"),
    TextEncoding.WINDOWS: ("cp1252", "replace"),
    TextEncoding.MIXED: ("utf-8-sig", "lcv-windows-bytes"),
}


def detect_encoding(open_binary: Opener) -> str:
    """The TextEncoding of a CSV file, in one pass over the bytes, a block at a time: UTF-16 when it
    starts with its byte-order mark; UTF-8 (with or without byte-order mark) when every byte decodes;
    the Windows encoding Excel writes when most non-ASCII bytes are not UTF-8; and UTF-8 with the
    few stray bytes read as Windows-1252 when the file is mostly UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    good = stray = 0
    with open_binary() as stream:
        block = stream.read(BLOCK)
        if block.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return TextEncoding.UTF16.value
        final = False
        while True:
            text = decoder.decode(block, final=final)
            non_ascii = len(text) - len(text.encode("ascii", "ignore"))
            if non_ascii:
                here = len(text) - len(STRAY_BYTE.sub("", text))
                stray += here
                good += non_ascii - here
            if final:
                break
            block = stream.read(BLOCK)
            final = not block
    if not stray:
        return TextEncoding.UTF8.value
    return TextEncoding.WINDOWS.value if stray > good else TextEncoding.MIXED.value


MAX_LINE = 1 << 20  # characters in one line of a CSV file; a longer line is refused, not held whole
CELL_LIMIT = csv.field_size_limit()  # the csv module's (process-wide) limit is left as it is
SEP_LINE = re.compile(r"sep=(.)", re.IGNORECASE)  # Excel's first line naming the separator
UNCLOSED = (
    'aanhalingsteken niet gesloten: een waarde in deze rij begint met " maar dat wordt niet afgesloten, daarom is '
    'de rij niet gelezen. Zet een " aan het eind van de waarde, of haal het aanhalingsteken weg'
)
CELL_TOO_LONG = f"een cel in deze rij is te lang (meer dan {CELL_LIMIT:,} tekens); de rij is niet gelezen".replace(
    ",", "."
)
LINE_TOO_LONG = f"deze regel is te lang (meer dan {MAX_LINE:,} tekens); de rij is niet gelezen".replace(",", ".")
NOT_CSV = "deze rij is geen leesbare CSV; controleer de aanhalingstekens en scheidingstekens"
FAULT = "__fout__"  # the key of a row that could not be read; its value says why (Dutch)


class _Unclosed(Exception):
    """A quoted value runs on into a line that looks like a row of its own."""


class _LineTooLong(Exception):
    """A line longer than MAX_LINE (its rest has been skipped)."""


class _Lines:
    """The lines of a CSV text, for csv.reader, within bounds: a line is at most MAX_LINE characters,
    and a quoted value may run over a line break (an address on two lines), but not on until the row
    holds half as many separators again as the header: then it has swallowed the next row, and the
    quote was never closed. _Unclosed is raised and that line is given again to the next reader. NUL
    characters are dropped (PostgreSQL text cannot hold them)."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self.text = text
        self.again: str | None = None
        self.in_record = 0  # lines csv.reader took for the row it is reading
        self.separators = 0  # the separators in those lines
        self.delimiter = ";"
        self.row_like = 1 << 30  # more separators in one row than this: it holds the next row too
        self.ended_in_record = False  # the file ended inside a quoted value

    def start_record(self) -> None:
        self.in_record = self.separators = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.again is not None:
            line, self.again = self.again, None
        else:
            line = self.text.readline(MAX_LINE)
            if not line:
                self.ended_in_record = self.in_record > 0
                raise StopIteration
            if len(line) >= MAX_LINE and line[-1] not in "\r\n":
                while (rest := self.text.readline(MAX_LINE)) and rest[-1] not in "\r\n":
                    pass
                raise _LineTooLong
        separators = line.count(self.delimiter)
        if self.in_record and self.separators + separators > self.row_like:
            self.again = line
            raise _Unclosed
        self.in_record += 1
        self.separators += separators
        # str.replace returns the line itself when there is no NUL
        return line.replace("\x00", "")


def _delimiter(line: str) -> str:
    """The separator of the header line: semicolon (Dutch Excel), comma or tab, the most frequent."""
    counts = {delimiter: line.count(delimiter) for delimiter in (";", ",", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter])  # the first of equals: ';'


def _looks_binary(open_binary: Opener, codec: str, errors: str) -> bool:
    """Not a table of text: control characters in the first line, or many in the first 64 KB."""
    with io.TextIOWrapper(open_binary(), encoding=codec, errors=errors, newline="") as text:
        sample = text.read(64 * 1024)
    first_line = sample.splitlines()[0] if sample else ""
    return bool(CONTROL.search(first_line)) or len(CONTROL.findall(sample)) > len(sample) // 100


def _csv_rows(
    open_binary: Opener, required: frozenset[str], as_dicts: bool = True, encoding: str | None = None
) -> tuple[list[str], Iterator[Row]]:
    codec, errors = CODECS[TextEncoding(encoding or detect_encoding(open_binary))]
    if _looks_binary(open_binary, codec, errors):
        raise UnreadableFile(NOT_A_TABLE)
    text = io.TextIOWrapper(open_binary(), encoding=codec, errors=errors, newline="")
    lines = _Lines(text)
    try:
        header, delimiter = _csv_header(lines)
        _check_header(header, required)
    except BaseException:
        text.close()
        raise
    nameless = [index for index, name in enumerate(header) if not name]
    width = len(header)
    extra_cells = (
        f"deze rij heeft meer waarden dan er kolomnamen zijn ({width}); staat er een "
        f"{'tab' if delimiter == chr(9) else delimiter} in een waarde? Zet die waarde dan tussen aanhalingstekens"
    )

    def rows() -> Iterator[Row]:
        number = 1  # the header; every record after it is a row as a spreadsheet shows it
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            while True:
                lines.start_record()
                fault = None
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except _Unclosed:
                    fault = UNCLOSED
                except _LineTooLong:
                    fault = LINE_TOO_LONG
                except csv.Error as error:
                    fault = CELL_TOO_LONG if "field limit" in str(error) else NOT_CSV
                number += 1
                if fault is None and lines.ended_in_record:
                    fault = UNCLOSED
                if fault is not None:
                    reader = csv.reader(lines, delimiter=delimiter)  # starts again at the next line
                    yield number, {FAULT: fault} if as_dicts else EMPTY
                    continue
                if not "".join(cells).strip():  # an empty row (only separators or spaces)
                    continue
                if nameless:
                    _check_nameless(cells, nameless, number)
                if len(cells) > width and "".join(cells[width:]).strip():
                    yield number, {FAULT: extra_cells} if as_dicts else EMPTY
                    continue
                yield number, dict(zip(header, cells, strict=False)) if as_dicts else EMPTY
        finally:
            text.close()

    return header, rows()


def _csv_header(lines: _Lines) -> tuple[list[str], str]:
    """The column names and the separator; an Excel 'sep=;' first line names the separator and is
    not a row (Excel does not show it)."""
    try:
        first = next(lines)
        found = SEP_LINE.fullmatch(first.strip())
        if found:
            delimiter = found[1]
            first = next(lines)
        else:
            delimiter = _delimiter(first)
    except StopIteration:
        raise UnreadableFile("Het bestand is leeg.") from None
    except _LineTooLong:
        raise UnreadableFile(NOT_A_TABLE) from None
    lines.start_record()
    lines.again = first
    lines.delimiter = delimiter
    # a row with half as many separators again as the header (and at least two more) holds the next
    # row as well: a value's quote was not closed
    header_separators = first.count(delimiter)
    lines.row_like = header_separators + max(2, header_separators // 2)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        cells = next(reader)
    except StopIteration:
        raise UnreadableFile("Het bestand is leeg.") from None
    except (_Unclosed, csv.Error, _LineTooLong):
        cells = None
    if cells is None or lines.ended_in_record:
        raise UnreadableFile(
            "De eerste regel (de kolomnamen) is niet te lezen: er staat een aanhalingsteken in dat niet wordt "
            "gesloten, of een naam is te lang. Gebruik de eerste regel van het sjabloon."
        )
    return _header(cells), delimiter


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
    _check_is_workbook(content)
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
    # a column without a name in row 1, also one after the last name, may not hold data
    nameless = [index for index, name in enumerate(header) if not name]

    def rows() -> Iterator[Row]:
        try:
            for number, cells in iterator:
                values = [_cell(cell) for cell in cells]
                if not any(value.strip() for value in values):
                    continue
                if len(values) > width:
                    _check_nameless(values, [*nameless, *range(width, len(values))], number)
                elif nameless:
                    _check_nameless(values, nameless, number)
                if len(values) < width:  # cells after the last one with a value are empty, as in a CSV row
                    values.extend([""] * (width - len(values)))
                yield number, dict(zip(header, values, strict=False)) if as_dicts else EMPTY
        except BadWorkbook as error:
            raise UnreadableFile(str(error)) from error
        finally:
            workbook.close()

    return header, rows()


def _check_is_workbook(content: bytes) -> None:
    """A ZIP that is no Excel workbook (a folder packed as .zip, an OpenDocument file) is refused
    with a message that says so, not as a broken Excel file."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return  # the workbook reader says what is wrong with it
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise UnreadableFile(
            "Dit is geen CSV- of Excelbestand, maar een ingepakte map (ZIP) of een ander soort document. Pak het uit "
            "en lever het bestand met de signalen zelf aan, opgeslagen als 'CSV UTF-8' of als Excel-werkmap (.xlsx)."
        )


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
                yield number, {FAULT: "is geen object met velden"}
                continue
            cells = {_text(str(key)): _cell(value) for key, value in item.items()}
            if any(_has_lone_surrogate(value) for value in cells.values()):
                # JSON may escape a half of a UTF-16 pair ("\ud800"); no database can store that
                yield number, {FAULT: "bevat een ongeldig teken (een losse \\ud800-\\udfff); verwijder het"}
                continue
            yield number, cells

    return list(NAMES), rows()


def open_rows(
    source: bytes | Opener, file_format: str, required: frozenset[str] = REQUIRED, encoding: str | None = None
) -> Iterator[Row]:
    """The rows of a delivery (its bytes, or a function that opens them as a stream); raises
    UnreadableFile when the file itself cannot be read. A CSV file's `encoding` (a TextEncoding) is
    detected when not given. A row that could not be read holds only FAULT, the Dutch reason."""
    if file_format not in ("csv", "xlsx", "json"):
        raise UnreadableFile("Lever een CSV- of Excel-bestand (.xlsx) aan.")
    open_binary: Opener = (lambda: io.BytesIO(source)) if isinstance(source, bytes) else source
    if file_format == "csv":
        _header_names, rows = _csv_rows(open_binary, required, encoding=encoding)
    elif file_format == "xlsx":
        _header_names, rows = _xlsx_rows(open_binary, required)
    else:
        _header_names, rows = _json_rows(open_binary, required)
    return rows


def count_rows(
    source: bytes | Opener, file_format: str, required: frozenset[str] = REQUIRED, encoding: str | None = None
) -> int:
    """The number of rows open_rows will give (for the progress), without building them."""
    open_binary: Opener = (lambda: io.BytesIO(source)) if isinstance(source, bytes) else source
    if file_format == "csv":
        _header_names, rows = _csv_rows(open_binary, required, as_dicts=False, encoding=encoding)
        return sum(1 for _ in rows)
    if file_format == "xlsx":
        _header_names, rows = _xlsx_rows(open_binary, required, as_dicts=False)
        return sum(1 for _ in rows)
    return sum(1 for _ in open_rows(source, file_format, required))


def sniff_format(file_name: str, content: bytes) -> str:
    """csv or xlsx, from the content (an .xlsx is a ZIP) rather than trusting the name alone."""
    if content[:4] == b"PK\x03\x04":
        return "xlsx"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"  # Excel's "Unicode text": UTF-16, tab-separated
    if file_name.lower().endswith((".xls", ".xlsx", ".ods", ".pdf", ".doc", ".docx")) or b"\x00" in content[:4096]:
        return "unknown"
    return "csv"
