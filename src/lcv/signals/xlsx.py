"""Reading the first worksheet of an .xlsx file with bounded work (issue 9: "a 2 KB Excel file stops
all signal processing").

An .xlsx file is a ZIP of XML parts, and a small one can declare a sheet of a million rows by
16,384 columns, unpack to gigabytes of shared strings, or carry XML entities. So, before anything
is parsed, the ZIP directory is checked (number of parts, each part's unpacked size and compression
ratio, the total), and while parsing:

- the declared `<dimension>` is ignored: only cells that are present are read, empty rows cost
  nothing, and a value in a column past MAX_COLUMN (a delivery has about twenty) refuses the file;
- shared strings are capped in number and in size, and kept as one UTF-8 buffer with offsets
  (about the size of the text itself, not ~50 bytes of Python object per string);
- the XML goes through defusedxml's expat set-up: a DTD, an entity or an external reference makes
  the file unreadable;
- every block of XML checks a Budget: time spent reading and the process's memory. Exceeding it
  makes the file unreadable instead of occupying the worker.

The parser is expat with handlers (no element tree is built), fed from the ZIP a block at a time.
Values come out as openpyxl gives them in read-only mode: str, int, float, bool, datetime.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from datetime import datetime
from posixpath import dirname, join, normpath
from typing import IO, Any
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

# Limits of a delivery in Excel (docs/signals.md, "Grenzen van een Excel-bestand").
MAX_PARTS = 1_000  # parts in the ZIP; Excel writes about a dozen
MAX_PART_BYTES = 1 << 30  # unpacked size of one part
MAX_TOTAL_BYTES = 3 << 29  # unpacked size of all parts together (1.5 GB)
MAX_RATIO = 100  # unpacked / packed size of a part; spreadsheet XML packs about 5 to 20 times
RATIO_FROM_BYTES = 1 << 20  # small parts may pack better; they cannot grow large
MAX_SMALL_PART_BYTES = 64 << 20  # workbook, relations, styles
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_BYTES = 64 << 20  # UTF-8 of all shared strings together
MAX_COLUMN = 256  # column IV; a value further right refuses the file
MAX_ROW = 1_048_576  # Excel's last row
BLOCK = 64 * 1024  # XML fed to the parser at a time; the budget is checked per block

MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
REL_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _names(local: str) -> frozenset[str]:
    return frozenset(f"{ns}}}{local}" for ns in MAIN_NS)


ROW, CELL, VALUE, TEXT, INLINE, PHONETIC, SI = (_names(n) for n in ("row", "c", "v", "t", "is", "rPh", "si"))
NUM_FMT, XF, CELL_XFS, WORKBOOK_PR, SHEET = (_names(n) for n in ("numFmt", "xf", "cellXfs", "workbookPr", "sheet"))
REL_ID = frozenset(f"{ns}}}id" for ns in REL_NS)


def _column_letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


COLUMN_OF = {_column_letters(i): i for i in range(1, MAX_COLUMN + 1)}
DIGITS = "0123456789"


class BadWorkbook(Exception):
    """The workbook cannot or may not be read; the message is Dutch and says what to do."""


NOT_EXCEL = (
    "Het bestand is geen leesbaar Excel-bestand (.xlsx). Sla het op als Excel-werkmap of lever een CSV-bestand aan."
)


class Budget:
    """What reading one file may cost: seconds spent inside the reader (time the caller spends
    between rows does not count) and memory the process gained since reading began. Checked for
    every block of XML."""

    def __init__(self, seconds: float, megabytes: int) -> None:
        self.seconds = seconds
        self.megabytes = megabytes
        self.spent = 0.0
        self.since: float | None = None
        self.rss_at_start = resident_megabytes()

    def resume(self) -> None:
        self.since = time.monotonic()

    def pause(self) -> None:
        if self.since is not None:
            self.spent += time.monotonic() - self.since
            self.since = None

    def check(self) -> None:
        spent = self.spent + (time.monotonic() - self.since if self.since is not None else 0.0)
        if spent > self.seconds:
            raise BadWorkbook(
                _(
                    "Het lezen van het Excel-bestand duurde langer dan %(seconds)d seconden en is gestopt; er is "
                    "niets van verwerkt. Lever het bestand in kleinere delen aan, of als CSV-bestand."
                )
                % {"seconds": self.seconds}
            )
        rss = resident_megabytes()
        if rss is not None and self.rss_at_start is not None and rss - self.rss_at_start > self.megabytes:
            raise BadWorkbook(
                _(
                    "Het lezen van het Excel-bestand vroeg meer dan %(megabytes)d MB geheugen en is gestopt; er is "
                    "niets van verwerkt. Lever het bestand in kleinere delen aan, of als CSV-bestand."
                )
                % {"megabytes": self.megabytes}
            )


def resident_megabytes() -> int | None:
    """This process's resident memory (Linux; None elsewhere: the caps above still bound the work)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") >> 20


def _expat(start: Callable[..., None], end: Callable[[str], None], data: Callable[[str], None] | None) -> Any:
    """defusedxml's expat parser (a DTD, entity declaration or external reference raises) with
    our handlers: no element tree is built."""
    parser = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True).parser
    parser.ordered_attributes = False
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    return parser


def _feed(parser: Any, stream: IO[bytes], budget: Budget, after_block: Callable[[], None] | None = None) -> None:
    while block := stream.read(BLOCK):
        parser.Parse(block, False)
        budget.check()
        if after_block is not None:
            after_block()
    parser.Parse(b"", True)


class SharedStrings:
    """The shared strings: one UTF-8 buffer and the offset of each string's end."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.ends = array("I")  # 4 bytes each: the buffer is at most MAX_SHARED_BYTES

    def add(self, text: str) -> None:
        self.buffer += text.encode()
        self.ends.append(len(self.buffer))
        if len(self.ends) > MAX_SHARED_STRINGS or len(self.buffer) > MAX_SHARED_BYTES:
            raise BadWorkbook(
                _(
                    "Het Excel-bestand bevat meer dan %(count)s verschillende teksten of meer dan %(megabytes)d MB "
                    "tekst; zo groot kan een aanlevering niet zijn. Lever alleen de signalen aan, in kleinere delen "
                    "of als CSV-bestand."
                )
                % {"count": f"{MAX_SHARED_STRINGS:,}".replace(",", "."), "megabytes": MAX_SHARED_BYTES >> 20}
            )

    def __getitem__(self, index: int) -> str:
        start = self.ends[index - 1] if index else 0
        return self.buffer[start : self.ends[index]].decode()

    def __len__(self) -> int:
        return len(self.ends)


class _TextCollector:
    """Text of <si> (shared strings) or <is> (inline): the <t> elements, without phonetic runs."""

    def __init__(self) -> None:
        self.parts: list[str] | None = None
        self.phonetic = 0
        self.collecting = False

    def start_text(self, name: str) -> None:
        if name in TEXT and not self.phonetic:
            self.parts = self.parts if self.parts is not None else []
            self.collecting = True
        elif name in PHONETIC:
            self.phonetic += 1

    def end_text(self, name: str) -> None:
        if name in TEXT:
            self.collecting = False
        elif name in PHONETIC:
            self.phonetic -= 1

    def data(self, text: str) -> None:
        if self.collecting and self.parts is not None:
            self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts or ())
        self.parts = None
        return text


def _read_shared_strings(stream: IO[bytes], budget: Budget) -> SharedStrings:
    strings = SharedStrings()
    text = _TextCollector()

    def start(name: str, attrs: dict[str, str]) -> None:
        if name in SI:
            text.parts = []
        else:
            text.start_text(name)

    def end(name: str) -> None:
        if name in SI:
            strings.add(text.take())
        else:
            text.end_text(name)

    _feed(_expat(start, end, text.data), stream, budget)
    return strings


def _read_date_styles(stream: IO[bytes], budget: Budget) -> frozenset[int]:
    """The indexes of the cell formats (cellXfs) that show a number as a date or time."""
    custom: dict[int, str] = {}
    formats: list[int] = []
    inside = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        if name in NUM_FMT:
            custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        elif name in CELL_XFS:
            inside[0] = True
        elif name in XF and inside[0]:
            formats.append(int(attrs.get("numFmtId", "0")))

    def end(name: str) -> None:
        if name in CELL_XFS:
            inside[0] = False

    _feed(_expat(start, end, None), stream, budget)
    return frozenset(
        index
        for index, number_format in enumerate(formats)
        if is_date_format(custom.get(number_format) or BUILTIN_FORMATS.get(number_format) or "")
    )


class _SheetReader:
    """expat handlers for a worksheet: collects finished rows as (row number, cell values)."""

    def __init__(self, strings: SharedStrings, date_styles: frozenset[int], epoch: datetime) -> None:
        self.strings = strings
        self.date_styles = date_styles
        self.epoch = epoch
        self.done: list[tuple[int, list[Any]]] = []
        self.row_number = 0
        self.cells: list[Any] = []
        self.column = 0
        self.reference = ""
        self.cell_type = "n"
        self.style = 0
        self.value: list[str] | None = None  # the text of <v>, once the cell has one
        self.in_value = False
        self.text = _TextCollector()

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name in CELL:
            reference = attrs.get("r")
            if reference is None:
                self.column += 1
            else:
                self.column = COLUMN_OF.get(reference.rstrip(DIGITS), MAX_COLUMN + 1)
                self.reference = reference
            self.cell_type = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style else 0
            self.value = None
        elif name in VALUE:
            self.value = []
            self.in_value = True
        elif name in ROW:
            number = attrs.get("r")
            self.row_number = int(number) if number else self.row_number + 1
            if not 0 < self.row_number <= MAX_ROW:
                raise BadWorkbook(_("Het Excel-bestand bevat een rij buiten het werkblad (%(row)s).") % {"row": number})
            self.cells = []
            self.column = 0
        elif name in INLINE:
            self.text.parts = []
        else:
            self.text.start_text(name)

    def data(self, text: str) -> None:
        if self.in_value:
            self.value.append(text)  # type: ignore[union-attr]
        else:
            self.text.data(text)

    def end(self, name: str) -> None:
        if name in CELL:
            self._end_cell()
        elif name in ROW:
            self.done.append((self.row_number, self.cells))
        elif name in VALUE:
            self.in_value = False
        else:
            self.text.end_text(name)

    def _end_cell(self) -> None:
        inline = self.cell_type == "inlineStr"
        if self.value is None and not inline:
            return  # a cell with only a format: nothing to read, wherever it is
        if self.column > MAX_COLUMN:
            raise BadWorkbook(
                _(
                    "Cel %(cell)s ligt buiten de kolommen van een aanlevering (A tot en met %(last)s). Verwijder wat "
                    "naast de signalen staat, of lever een CSV-bestand aan."
                )
                % {"cell": self.reference[:20], "last": _column_letters(MAX_COLUMN)}
            )
        value = self.text.take() if inline else self._value("".join(self.value or ()))
        missing = self.column - len(self.cells) - 1
        if missing > 0:
            self.cells.extend([None] * missing)
        if self.column > len(self.cells):
            self.cells.append(value)
        else:
            self.cells[self.column - 1] = value
        self.value = None

    def _value(self, raw: str) -> Any:
        kind = self.cell_type
        if kind == "s":
            index = int(raw)
            if not 0 <= index < len(self.strings):
                raise BadWorkbook(NOT_EXCEL)
            return self.strings[index]
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "n":
            if not raw:
                return None
            if self.style in self.date_styles:
                return from_excel(float(raw), self.epoch)
            return float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw)
        if kind == "d":
            return datetime.fromisoformat(raw)
        return raw  # str (a formula's text), e (an error such as #N/A)


class Workbook:
    """The first worksheet of a checked .xlsx; rows() reads it once (call again for another pass)."""

    def __init__(self, content: bytes, budget: Budget) -> None:
        self.budget = budget
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(content))
            self._check_directory()
            self.sheet, shared, styles, self.epoch = self._parts()
            self.strings = self._read_part(shared, _read_shared_strings, MAX_PART_BYTES) if shared else SharedStrings()
            self.date_styles = (
                self._read_part(styles, _read_date_styles, MAX_SMALL_PART_BYTES) if styles else frozenset()
            )
        except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, EOFError, RuntimeError) as error:
            raise _bad(error) from error
        except (expat.ExpatError, zlib.error, NotImplementedError) as error:
            raise BadWorkbook(NOT_EXCEL) from error

    def _check_directory(self) -> None:
        parts = self.archive.infolist()
        too_big = _(
            "Het Excel-bestand pakt uit tot meer dan %(megabytes)d MB; zo groot kan een aanlevering niet zijn. Lever "
            "alleen de signalen aan, in kleinere delen of als CSV-bestand."
        )
        if len(parts) > MAX_PARTS:
            raise BadWorkbook(NOT_EXCEL)
        total = 0
        for part in parts:
            total += part.file_size
            if part.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                raise BadWorkbook(too_big % {"megabytes": min(MAX_PART_BYTES, MAX_TOTAL_BYTES) >> 20})
            if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * part.compress_size:
                raise BadWorkbook(
                    _(
                        "Het Excel-bestand is ongewoon sterk ingepakt (een deel pakt meer dan %(ratio)d keer zo groot "
                        "uit); zo'n bestand wordt niet gelezen. Sla alleen de signalen op in een nieuwe Excel-werkmap, "
                        "of lever een CSV-bestand aan."
                    )
                    % {"ratio": MAX_RATIO}
                )

    def _small_xml(self, name: str) -> dict[str, Any]:
        """Attributes of the elements of a small part, by local name (workbook, relations)."""
        found: dict[str, Any] = {}

        def start(tag: str, attrs: dict[str, str]) -> None:
            found.setdefault(tag.rpartition("}")[2], []).append(attrs)

        def end(tag: str) -> None:
            pass

        self._read_part(
            name, lambda stream, budget: _feed(_expat(start, end, None), stream, budget), MAX_SMALL_PART_BYTES
        )
        return found

    def _relations(self, name: str) -> dict[str, tuple[str, str]]:
        """Relation id -> (type, path in the ZIP) of one part."""
        folder = dirname(name)
        rels = join(folder, "_rels", name.rpartition("/")[2] + ".rels")
        relations = {}
        for attrs in self._small_xml(rels).get("Relationship", []):
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else normpath(join(folder, target))
            relations[attrs.get("Id", "")] = (attrs.get("Type", ""), path)
        return relations

    def _parts(self) -> tuple[str, str | None, str | None, datetime]:
        office = [path for kind, path in self._relations("").values() if kind.endswith("/officeDocument")]
        workbook = office[0] if office else "xl/workbook.xml"
        elements = self._small_xml(workbook)
        relations = self._relations(workbook)
        sheets = elements.get("sheet", [])
        if not sheets:
            raise BadWorkbook(_("Het Excel-bestand heeft geen werkblad."))
        sheet_id = next((value for key, value in sheets[0].items() if key in REL_ID), "")
        sheet = relations[sheet_id][1]
        by_type = {kind.rpartition("/")[2]: path for kind, path in relations.values()}
        settings = (elements.get("workbookPr") or [{}])[0]
        epoch = MAC_EPOCH if settings.get("date1904", "") in ("1", "true") else WINDOWS_EPOCH
        return sheet, by_type.get("sharedStrings"), by_type.get("styles"), epoch

    def _read_part(self, name: str, read: Callable[[IO[bytes], Budget], Any], limit: int) -> Any:
        if self.archive.getinfo(name).file_size > limit:
            raise BadWorkbook(NOT_EXCEL)
        self.budget.resume()
        try:
            with self.archive.open(name) as stream:
                return read(stream, self.budget)
        finally:
            self.budget.pause()

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """Every row that has a cell with a value, with its number in the sheet (gaps are skipped)."""
        reader = _SheetReader(self.strings, self.date_styles, self.epoch)
        self.budget.resume()
        try:
            with self.archive.open(self.sheet) as stream:
                parser = _expat(reader.start, reader.end, reader.data)
                while block := stream.read(BLOCK):
                    parser.Parse(block, False)
                    self.budget.check()
                    yield from self._hand_over(reader)
                parser.Parse(b"", True)
                yield from self._hand_over(reader)
        except (zipfile.BadZipFile, KeyError, ValueError, EOFError, RuntimeError) as error:
            raise _bad(error) from error
        except (expat.ExpatError, zlib.error) as error:
            raise BadWorkbook(NOT_EXCEL) from error
        finally:
            self.budget.pause()

    def _hand_over(self, reader: _SheetReader) -> Iterator[tuple[int, list[Any]]]:
        done, reader.done = reader.done, []
        for row in done:
            self.budget.pause()  # the caller's time with a row is not reading time
            yield row
            self.budget.resume()

    def close(self) -> None:
        self.archive.close()


def _bad(error: Exception) -> BadWorkbook:
    if isinstance(error, BadWorkbook):
        return error
    if isinstance(error, DefusedXmlException):
        return BadWorkbook(
            _(
                "Het Excel-bestand bevat XML-definities (een DTD of entiteiten) die Excel zelf niet schrijft; het "
                "wordt niet gelezen. Sla het opnieuw op als Excel-werkmap, of lever een CSV-bestand aan."
            )
        )
    return BadWorkbook(NOT_EXCEL)
