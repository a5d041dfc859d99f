"""Excel files built by hand for tests and bench/bench_xlsx_bombs.py: a minimal valid .xlsx and the
hostile ones of issue 9 (huge declared sheet, shared-string bomb, entity in the sheet, ZIP bomb).
Everything is generated at run time; the big ones are streamed into the ZIP, never held unpacked."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from lcv.signals.columns import NAMES

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
    '<sheets><sheet name="signalen" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'


def _inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def header_row() -> str:
    return '<row r="1">' + "".join(_inline(f"{_letters(i + 1)}1", name) for i, name in enumerate(NAMES)) + "</row>"


def _letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def workbook(
    sheet: Iterable[str], shared_strings: Iterable[str] = ("<sst xmlns='" + MAIN + "'/>",), level: int = 6
) -> bytes:
    """An .xlsx whose sheet XML and sharedStrings XML are the given pieces, streamed into the ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, pieces in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared_strings)):
            with archive.open(name, "w", force_zip64=True) as part:
                for piece in pieces:
                    part.write(piece.encode())
    return buffer.getvalue()


def good(rows: list[dict[str, str]]) -> bytes:
    """A valid .xlsx with the template's header and these rows (inline strings)."""

    def sheet() -> Iterator[str]:
        yield SHEET_START + "<sheetData>" + header_row()
        for number, values in enumerate(rows, start=2):
            cells = "".join(
                _inline(f"{_letters(i + 1)}{number}", values[name]) for i, name in enumerate(NAMES) if name in values
            )
            yield f'<row r="{number}">{cells}</row>'
        yield "</sheetData></worksheet>"

    return workbook(sheet())


def huge_declared_sheet() -> bytes:
    """Declares A1:XFD1048576 and has a value in its last cell: read as declared, 17 billion cells."""
    return workbook(
        [
            SHEET_START,
            '<dimension ref="A1:XFD1048576"/><sheetData>',
            header_row(),
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
            "</sheetData></worksheet>",
        ]
    )


def shared_string_bomb(megabytes: int = 300) -> bytes:
    """A few hundred MB of shared strings (the same long text over and over) in a small ZIP."""
    text = "A" * 32_000

    def strings() -> Iterator[str]:
        yield f"<sst xmlns='{MAIN}'>"
        for _ in range(megabytes * (1 << 20) // len(text)):
            yield f"<si><t>{text}</t></si>"
        yield "</sst>"

    sheet = [SHEET_START, "<sheetData>", header_row(), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    return workbook([*sheet, "</sheetData></worksheet>"], strings(), level=9)


def many_shared_strings(count: int = 2_100_000) -> bytes:
    """More distinct shared strings than a delivery can need, packed normally (under the ratio)."""

    def strings() -> Iterator[str]:
        yield f"<sst xmlns='{MAIN}'>"
        for n in range(count):
            yield f"<si><t>{n:x}</t></si>"
        yield "</sst>"

    return workbook([SHEET_START, "<sheetData>", header_row(), "</sheetData></worksheet>"], strings())


def entity_in_sheet() -> bytes:
    """The sheet declares entities (a "billion laughs") and uses one in a cell."""
    doctype = (
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet ['
        '<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
    )
    return workbook(
        [
            doctype + f'<worksheet xmlns="{MAIN}"><sheetData>',
            header_row(),
            '<row r="2"><c r="A2" t="inlineStr"><is><t>&e;</t></is></c></row>',
            "</sheetData></worksheet>",
        ]
    )


def zip_bomb(megabytes: int = 500) -> bytes:
    """A sheet that unpacks to hundreds of MB of nothing (whitespace) from a ZIP of well under 1 MB."""
    blank = " " * (1 << 20)
    return workbook(
        [SHEET_START, "<sheetData>", header_row(), *(blank for _ in range(megabytes)), "</sheetData></worksheet>"],
        level=9,
    )
