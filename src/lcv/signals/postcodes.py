"""R13: importing the postcode table that routes signals to municipalities.

Two formats, recognised by their header (`;` or `,` separated, any case):

- our own: `postcode;huisnummer_van;huisnummer_tot;gemeentecode`, one row per range (van and tot
  empty: the whole postcode); the code as `0344`, `344` or `GM0344`;
- CBS's yearly "Postcode-huisnummer-buurt-wijk-gemeente" file (`PC6;Huisnummer;Buurt2024;
  Wijk2024;Gemeente2024`, the year varies), one row per address. It is streamed (about nine
  million rows) and compressed per postcode: a postcode that lies in one municipality becomes one
  whole-postcode row, a postcode split over municipalities one range per run of house numbers.

Everything happens in one transaction: `replace=True` first empties the table, so an import that
fails part-way leaves the old table as it was. Without `replace`, the postcodes in the file replace
their own rows and all other postcodes stay. Refused rows are reported (row number and Dutch
reason) and skipped; a file whose header is not recognised changes nothing.
"""

from __future__ import annotations

import csv
import itertools
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from django.db import transaction

from lcv.audit.services import record
from lcv.organisations.models import Municipality
from lcv.signals.models import PostcodeRange

BATCH = 2000  # ranges per bulk_create; also the number of postcodes kept open (CBS format)
MAX_REPORTED = 1000  # refused rows whose reason is kept; the count covers all of them
OWN = ("postcode", "huisnummer_van", "huisnummer_tot", "gemeentecode")
OWN_HEADER = ";".join(OWN)
CBS_EXAMPLE = "PC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024"
POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
GEMEENTE_COLUMN = re.compile(r"^gemeente(\d{4})?$")
# a range's open end, for ranges read back from the table (a whole postcode is open at both ends)
OPEN_LOW = -1
OPEN_HIGH = 2**31
Row = tuple[int, list[str]]  # (line number, cells)


class PostcodeImportError(Exception):
    """The whole file is refused and nothing was changed; the message is Dutch."""


@dataclass(frozen=True)
class Refusal:
    row_number: int
    reason: str

    def __str__(self) -> str:
        return f"rij {self.row_number}: {self.reason}"


@dataclass
class ImportResult:
    file_format: str  # "eigen" or "cbs"
    rows_read: int = 0
    ranges_stored: int = 0
    postcodes: int = 0
    refused: int = 0
    refusals: list[Refusal] = field(default_factory=list)  # the first MAX_REPORTED

    def refuse(self, row_number: int, reason: str) -> None:
        self.refused += 1
        if len(self.refusals) < MAX_REPORTED:
            self.refusals.append(Refusal(row_number, reason))


class _PostcodeSet:
    """Which postcodes this import has written, as a bitmap (under 1 MB for all possible PC6)."""

    def __init__(self) -> None:
        self.bits = bytearray(10_000 * 676 // 8 + 1)
        self.count = 0

    @staticmethod
    def _index(postcode: str) -> int:
        return int(postcode[:4]) * 676 + (ord(postcode[4]) - 65) * 26 + ord(postcode[5]) - 65

    def __contains__(self, postcode: str) -> bool:
        index = self._index(postcode)
        return bool(self.bits[index >> 3] & (1 << (index & 7)))

    def add(self, postcode: str) -> bool:
        """Add; True if it was new."""
        index = self._index(postcode)
        mask = 1 << (index & 7)
        if self.bits[index >> 3] & mask:
            return False
        self.bits[index >> 3] |= mask
        self.count += 1
        return True


def normalise_postcode(value: str) -> str:
    return "".join(value.split()).upper()


class _Lookup:
    """Parsing of the repeated cells, remembered per distinct value (the CBS file repeats them)."""

    def __init__(self) -> None:
        self.municipality_ids = dict(Municipality.objects.values_list("cbs_code", "id"))
        self.codes: dict[str, int | str] = {}
        self.last_postcode: tuple[str, str | None] = ("", None)

    def municipality(self, raw: str) -> int | str:
        """The municipality's id, or the Dutch reason it is refused."""
        found = self.codes.get(raw)
        if found is None:
            found = self._municipality(raw)
            if len(self.codes) < 10_000:
                self.codes[raw] = found
        return found

    def _municipality(self, raw: str) -> int | str:
        code = raw.strip().upper()
        code = code.removeprefix("GM")
        if not code:
            return "de gemeentecode ontbreekt"
        if not (code.isascii() and code.isdigit() and len(code) <= 4):
            return f"gemeentecode {raw.strip()!r} is geen CBS-code (bijv. 0344 of GM0344)"
        municipality_id = self.municipality_ids.get(code.zfill(4))
        if municipality_id is None:
            return f"gemeentecode {code.zfill(4)} is onbekend (geen gemeente in de gemeentelijst)"
        return municipality_id

    def postcode(self, raw: str) -> str | None:
        """The normalised postcode, or None if it is not one."""
        if raw == self.last_postcode[0]:
            return self.last_postcode[1]
        postcode = normalise_postcode(raw)
        result = postcode if POSTCODE.match(postcode) else None
        self.last_postcode = (raw, result)
        return result


def _house_number(raw: str) -> int | None:
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()):
        return None
    number = int(raw)
    return number if 0 < number < OPEN_HIGH else None


def _bad_postcode(raw: str) -> str:
    if not raw.strip():
        return "de postcode ontbreekt"
    return f"postcode {raw.strip()!r} is geen geldige postcode (vier cijfers en twee letters, bijv. 3511AB)"


class _Writer:
    """Writes ranges in batches. Without `replace`, a postcode's existing rows are removed the
    first time this import writes that postcode."""

    def __init__(self, *, replace: bool) -> None:
        self.replace = replace
        self.written = _PostcodeSet()
        self.stored = 0

    def write(self, ranges: list[PostcodeRange]) -> None:
        if not ranges:
            return
        new = [postcode for postcode in {r.postcode for r in ranges} if self.written.add(postcode)]
        if new and not self.replace:
            PostcodeRange.objects.filter(postcode__in=new).delete()
        PostcodeRange.objects.bulk_create(ranges, batch_size=BATCH)
        self.stored += len(ranges)

    def take_back(self, postcode: str) -> list[list[int]]:
        """A postcode written before comes back (an unsorted CBS file): remove its rows and return
        them as runs, to be merged with the new addresses."""
        rows = list(
            PostcodeRange.objects.filter(postcode=postcode)
            .order_by("house_from")
            .values_list("id", "house_from", "house_to", "municipality_id")
        )
        PostcodeRange.objects.filter(id__in=[row[0] for row in rows]).delete()
        self.stored -= len(rows)
        runs = [
            [OPEN_LOW if low is None else low, OPEN_HIGH if high is None else high, municipality_id]
            for _, low, high, municipality_id in rows
        ]
        runs.sort(key=lambda run: run[0])
        return runs


def add_address(runs: list[list[int]], number: int, municipality_id: int) -> None:
    """Add one address to a postcode's runs: sorted, disjoint [low, high, municipality] ranges in
    which neighbouring runs belong to different municipalities. For house numbers in order this is
    exactly "one range per run"; out of order, every address seen still routes the same."""
    if not runs:
        runs.append([number, number, municipality_id])
        return
    # the usual case first: the file is sorted by house number, the address goes at the end
    sorted_so_far = number >= runs[-1][0]
    index = len(runs) - 1 if sorted_so_far else bisect_right(runs, number, key=lambda run: run[0]) - 1
    if index >= 0 and number <= runs[index][1]:
        low, high, owner = runs[index]
        if owner == municipality_id:
            return
        pieces = [[low, number - 1, owner]] if low < number else []
        pieces.append([number, number, municipality_id])
        if number < high:
            pieces.append([number + 1, high, owner])
        runs[index : index + 1] = pieces
        # an edge piece may now touch a neighbour of the same municipality
        for at in (index + len(pieces), index):
            if 0 < at < len(runs) and runs[at - 1][2] == runs[at][2]:
                runs[at - 1][1] = runs[at][1]
                del runs[at]
        return
    left = runs[index] if index >= 0 else None
    right = runs[index + 1] if index + 1 < len(runs) else None
    if left is not None and left[2] == municipality_id:
        left[1] = number
        if right is not None and right[2] == municipality_id:
            left[1] = right[1]
            del runs[index + 1]
    elif right is not None and right[2] == municipality_id:
        right[0] = number
    else:
        runs.insert(index + 1, [number, number, municipality_id])


def ranges_of(postcode: str, runs: list[list[int]]) -> list[PostcodeRange]:
    """One whole-postcode row if the postcode lies in one municipality, else one row per run."""
    if len(runs) == 1:
        return [PostcodeRange(postcode=postcode, municipality_id=runs[0][2])]
    return [
        PostcodeRange(
            postcode=postcode,
            house_from=None if low == OPEN_LOW else low,
            house_to=None if high == OPEN_HIGH else high,
            municipality_id=municipality_id,
        )
        for low, high, municipality_id in runs
    ]


def _read_own(
    rows: Iterable[Row], columns: dict[str, int], lookup: _Lookup, writer: _Writer, result: ImportResult
) -> None:
    at = [columns[name] for name in OWN]
    width = max(at) + 1
    batch: list[PostcodeRange] = []
    for number, cells in rows:
        result.rows_read += 1
        if len(cells) < width:
            result.refuse(number, f"te weinig kolommen (verwacht: {OWN_HEADER})")
            continue
        raw_postcode, raw_from, raw_to, raw_code = (cells[i] for i in at)
        postcode = lookup.postcode(raw_postcode)
        if postcode is None:
            result.refuse(number, _bad_postcode(raw_postcode))
            continue
        municipality = lookup.municipality(raw_code)
        if isinstance(municipality, str):
            result.refuse(number, municipality)
            continue
        house_from: int | None = None
        house_to: int | None = None
        if raw_from.strip() or raw_to.strip():
            if not (raw_from.strip() and raw_to.strip()):
                result.refuse(
                    number, "vul huisnummer_van en huisnummer_tot allebei in, of laat ze allebei leeg (hele postcode)"
                )
                continue
            house_from, house_to = _house_number(raw_from), _house_number(raw_to)
            if house_from is None or house_to is None:
                bad = raw_from if house_from is None else raw_to
                result.refuse(number, f"huisnummer {bad.strip()!r} is geen positief geheel getal")
                continue
            if house_from > house_to:
                result.refuse(number, f"huisnummer_van ({house_from}) is groter dan huisnummer_tot ({house_to})")
                continue
        batch.append(
            PostcodeRange(postcode=postcode, house_from=house_from, house_to=house_to, municipality_id=municipality)
        )
        if len(batch) >= BATCH:
            writer.write(batch)
            batch = []
    writer.write(batch)


def _read_cbs(
    rows: Iterable[Row], columns: dict[str, int], lookup: _Lookup, writer: _Writer, result: ImportResult
) -> None:
    postcode_at, number_at, code_at = columns["pc6"], columns["huisnummer"], columns["gemeente"]
    width = max(postcode_at, number_at, code_at) + 1
    open_groups: dict[str, list[list[int]]] = {}  # postcode -> runs, in the order first seen
    current = ""
    runs: list[list[int]] = []

    def flush(keep: str) -> None:
        ranges: list[PostcodeRange] = []
        for postcode in [p for p in open_groups if p != keep]:
            ranges.extend(ranges_of(postcode, open_groups.pop(postcode)))
        writer.write(ranges)

    for number, cells in rows:
        result.rows_read += 1
        if len(cells) < width:
            result.refuse(number, f"te weinig kolommen (verwacht: {CBS_EXAMPLE})")
            continue
        postcode = lookup.postcode(cells[postcode_at])
        if postcode is None:
            result.refuse(number, _bad_postcode(cells[postcode_at]))
            continue
        house_number = _house_number(cells[number_at])
        if house_number is None:
            result.refuse(number, f"huisnummer {cells[number_at].strip()!r} is geen positief geheel getal")
            continue
        municipality = lookup.municipality(cells[code_at])
        if isinstance(municipality, str):
            result.refuse(number, municipality)
            continue
        if postcode != current:
            current = postcode
            found = open_groups.get(postcode)
            if found is None:
                found = writer.take_back(postcode) if postcode in writer.written else []
                open_groups[postcode] = found
                if len(open_groups) > BATCH:
                    flush(keep=postcode)
            runs = found
        add_address(runs, house_number, municipality)
    flush(keep="")


def _header(first_line: str) -> tuple[str, list[str]]:
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    names = next(csv.reader([first_line], delimiter=delimiter), [])
    return delimiter, [name.strip().lstrip("\ufeff").strip('"').strip().lower() for name in names]


def _format(names: list[str]) -> tuple[str, dict[str, int]]:
    columns = {name: index for index, name in reversed(list(enumerate(names)))}  # the first of a name
    if set(OWN) <= set(columns):
        return "eigen", columns
    gemeente = [name for name in names if GEMEENTE_COLUMN.match(name)]
    if "pc6" in columns and "huisnummer" in columns and gemeente:
        columns["gemeente"] = columns[max(gemeente)]  # the latest year, if there are several
        return "cbs", columns
    shown = ";".join(names)[:120]
    raise PostcodeImportError(
        f"De kopregel wordt niet herkend ({shown!r}). Verwacht: {OWN_HEADER!r}, of de kopregel van het "
        f"CBS-bestand Postcode-huisnummer-buurt-wijk-gemeente, zoals {CBS_EXAMPLE!r}. Er is niets gewijzigd."
    )


def import_postcodes(stream: TextIO, *, replace: bool) -> ImportResult:
    """Read the file and store its ranges in one transaction (see the module docstring). Raises
    PostcodeImportError, with nothing changed, for an unrecognised header, an unreadable file or,
    with `replace`, a file without a single good row (the old table stays)."""
    try:
        first_line = stream.readline()
    except UnicodeDecodeError as error:
        raise PostcodeImportError("Het bestand is geen UTF-8-tekst. Er is niets gewijzigd.") from error
    if not first_line.strip():
        raise PostcodeImportError(
            "Het bestand is leeg of de eerste regel bevat geen kolomnamen. Er is niets gewijzigd."
        )
    delimiter, names = _header(first_line)
    file_format, columns = _format(names)
    result = ImportResult(file_format=file_format)
    reader = csv.reader(itertools.chain([first_line], stream), delimiter=delimiter)
    next(reader)

    def rows() -> Iterator[Row]:
        for cells in reader:
            if "".join(cells).strip():
                yield reader.line_num, cells

    read = _read_own if file_format == "eigen" else _read_cbs
    try:
        with transaction.atomic():
            if replace:
                PostcodeRange.objects.all().delete()
            writer = _Writer(replace=replace)
            read(rows(), columns, _Lookup(), writer, result)
            result.ranges_stored = writer.stored
            result.postcodes = writer.written.count
            if replace and not result.ranges_stored:
                raise PostcodeImportError(
                    "Geen enkele regel is goedgekeurd, dus de bestaande postcodetabel blijft staan."
                )
            record(
                action="signals.postcodes_imported",
                details={
                    "format": file_format,
                    "replace": replace,
                    "rows": result.rows_read,
                    "ranges": result.ranges_stored,
                    "postcodes": result.postcodes,
                    "refused": result.refused,
                },
            )
    except UnicodeDecodeError as error:
        raise PostcodeImportError(
            f"Het bestand is geen UTF-8-tekst (na rij {reader.line_num}). Er is niets gewijzigd."
        ) from error
    except csv.Error as error:
        raise PostcodeImportError(
            f"Rij {reader.line_num + 1} is geen leesbare CSV ({error}). Er is niets gewijzigd."
        ) from error
    return result
