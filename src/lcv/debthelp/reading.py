"""Reading an uploaded list of BSNs (R17), with bounds before any parsing starts.

The file is a CSV with one column: burgerservicenummers, optionally under a header `bsn` or
`burgerservicenummer`; `;`, `,` or a tab may separate (trailing empty cells are fine); UTF-8 with or
without BOM, or UTF-16 with BOM (Excel's "Unicode text"). Every number is checked with the 11-proof.
Messages name the line, never the number on it: they may end up on screens, in logs or in the
audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from stdnum.nl import bsn as stdnum_bsn

MAX_BYTES = 5 * 1024 * 1024  # ~450,000 lines of nine digits: far above any debt-help service
MAX_LINES = 200_000
MAX_MESSAGES = 100  # line messages shown; the rest are counted
HEADERS = frozenset({"bsn", "burgerservicenummer"})
SEPARATORS = re.compile(r"[;,\t]")
FILLER = str.maketrans("", "", " .-\u00a0")


@dataclass
class Parsed:
    bsns: set[str] = field(default_factory=set)  # 9 digits each, 11-proof passed
    messages: list[str] = field(default_factory=list)  # the first MAX_MESSAGES problems
    problems: int = 0  # all problems, file-level and per line
    duplicates: int = 0  # lines whose number was already in the file

    @property
    def ok(self) -> bool:
        return self.problems == 0

    def problem(self, message: str) -> None:
        self.problems += 1
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(message)


def _text(content: bytes, parsed: Parsed) -> str | None:
    if content.startswith(b"PK\x03\x04"):
        parsed.problem(_("Dit is een Excel-bestand. Sla het in Excel op als CSV en lever dat bestand aan."))
        return None
    try:
        if content.startswith((b"\xff\xfe", b"\xfe\xff")):
            return content.decode("utf-16")
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed.problem(_("Het bestand is geen leesbaar tekstbestand. Sla de lijst op als CSV (UTF-8)."))
        return None


def _cells(line: str) -> list[str]:
    cells = (cell.strip().strip('"').strip() for cell in SEPARATORS.split(line))
    return [cell for cell in cells if cell]


def _check(number: str, line_number: int, parsed: Parsed) -> str | None:
    """The number as 9 digits, or None after recording why it is not a BSN (without the number)."""
    digits = number.translate(FILLER)
    if not digits.isascii() or not digits.isdigit():
        parsed.problem(_("Regel %(line)d: geen burgerservicenummer (alleen cijfers).") % {"line": line_number})
        return None
    if len(digits) not in (8, 9):  # Excel drops a leading zero: eight digits are accepted
        parsed.problem(
            _("Regel %(line)d: geen burgerservicenummer (8 of 9 cijfers nodig, hier %(count)d).")
            % {"line": line_number, "count": len(digits)}
        )
        return None
    number = digits.zfill(9)
    # stdnum's own 11-proof on the digits we already cleaned (its validate() cleans again: 3x slower)
    if int(number) == 0 or stdnum_bsn.checksum(number) != 0:
        parsed.problem(_("Regel %(line)d: geen geldig burgerservicenummer (elfproef).") % {"line": line_number})
        return None
    return number


def read_bsns(content: bytes) -> Parsed:
    """Every BSN of the file, or the problems that make the file unusable. Bounded: the size and the
    number of lines are checked before the text is decoded."""
    parsed = Parsed()
    if len(content) > MAX_BYTES:
        parsed.problem(_("Het bestand is groter dan 5 MB. Een lijst van burgerservicenummers is veel kleiner."))
        return parsed
    if max(content.count(b"\n"), content.count(b"\r")) > MAX_LINES:
        parsed.problem(_("Het bestand heeft meer dan %(max)d regels.") % {"max": MAX_LINES})
        return parsed
    text = _text(content, parsed)
    if text is None:
        return parsed
    seen_content = False
    for line_number, line in enumerate(text.splitlines(), start=1):
        if line_number > MAX_LINES:  # other line breaks than \n and \r (Unicode ones) count too
            parsed.problem(_("Het bestand heeft meer dan %(max)d regels.") % {"max": MAX_LINES})
            break
        cells = _cells(line)
        if not cells:
            continue
        first = not seen_content
        seen_content = True
        if first and len(cells) == 1 and not any(char.isdigit() for char in cells[0]):
            if cells[0].lower() not in HEADERS:
                parsed.problem(
                    _("Regel %(line)d: onbekende kolomkop. Gebruik bsn of burgerservicenummer, of laat de kop weg.")
                    % {"line": line_number}
                )
            continue
        if len(cells) > 1:
            parsed.problem(
                _("Regel %(line)d: meer dan één waarde. Zet op iedere regel alleen een burgerservicenummer.")
                % {"line": line_number}
            )
            continue
        bsn = _check(cells[0], line_number, parsed)
        if bsn is None:
            continue
        if bsn in parsed.bsns:
            parsed.duplicates += 1
        parsed.bsns.add(bsn)
    if parsed.ok and not parsed.bsns:
        parsed.problem(_("Het bestand bevat geen burgerservicenummers."))
    return parsed
