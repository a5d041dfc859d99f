"""The residents of the BRP test service, lined up with the demo signals (`lcv.portal.demo`,
DEMO_SIGNALS, Utrecht, municipality code 0344).

Most demo signals match; some need the normalisation a real BRP check needs (prefix written into
the surname, initials against given names, a partner's name) and one person moved away. A few
residents wait for demo signals still to be written; their comment says which signal fits. To
add one: append a `DemoResident` (the BSN must pass the 11-test; `test_demo_residents` checks).
A benchmark loads its own list from a JSON file of objects with the same field names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

UTRECHT = ("0344", "Utrecht")
AMERSFOORT = ("0307", "Amersfoort")
MAX_RESIDENTS_FILE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class DemoResident:
    bsn: str
    given_names: str
    surname: str
    birth_date: str  # "YYYY-MM-DD"; "YYYY-MM" or "YYYY" when partly unknown; "" unknown
    postcode: str
    house_number: int
    street: str
    prefix: str = ""
    house_letter: str = ""
    addition: str = ""
    town: str = "Utrecht"
    municipality_code: str = UTRECHT[0]
    municipality_name: str = UTRECHT[1]
    naming_use: str = "E"  # aanduidingNaamgebruik: E own, P partner's, V partner's-own, N own-partner's
    partner_given_names: str = ""
    partner_prefix: str = ""
    partner_surname: str = ""


DEMO_RESIDENTS: tuple[DemoResident, ...] = (
    # WM-20001 "S. Bakker", born 14-03-1981: two S. Bakkers live here; the birth date decides.
    # A signal without birth date for "S. Bakker" at this address is ambiguous.
    DemoResident("999990007", "Sanne", "Bakker", "1981-03-14", "3511AB", 12, "Oudegracht", house_letter="B"),
    DemoResident("999990019", "Sem", "Bakker", "2004-07-02", "3511AB", 12, "Oudegracht", house_letter="B"),
    # WM-20002 "M. de Groot": the BRP has the prefix written into the surname.
    DemoResident("999990020", "Mila", "De Groot", "1990-11-05", "3511AA", 3, "Lijnmarkt"),
    # WM-20003 "H.J. Visser": initials against given names.
    DemoResident("999990032", "Hendrik Jan", "Visser", "1958-06-21", "3511AC", 40, "Vismarkt", house_letter="A"),
    # WM-20004 "R. van Dijk": Rosa Jansen uses her partner's name (aanduidingNaamgebruik P).
    DemoResident(
        "999990044",
        "Rosa",
        "Jansen",
        "1985-02-11",
        "3511BA",
        7,
        "Drift",
        naming_use="P",
        partner_given_names="Daan",
        partner_prefix="van",
        partner_surname="Dijk",
    ),
    DemoResident(
        "999990056",
        "Daan",
        "Dijk",
        "1983-09-30",
        "3511BA",
        7,
        "Drift",
        prefix="van",
        partner_given_names="Rosa",
        partner_surname="Jansen",
    ),
    # WM-20005 "A. Meijer", born 30-01-1964: moved to Amersfoort; someone else lives at the address.
    DemoResident("999990068", "Youssef", "Amrani", "1979-12-01", "3511BB", 21, "Choorstraat", prefix="el"),
    DemoResident(
        "999990081",
        "Anna",
        "Meijer",
        "1964-01-30",
        "3811AB",
        5,
        "Langestraat",
        town="Amersfoort",
        municipality_code=AMERSFOORT[0],
        municipality_name=AMERSFOORT[1],
    ),
    # WM-20006 to WM-20009: plain matches.
    DemoResident("999990093", "Fenna", "Smit", "1970-04-04", "3512AA", 5, "Nobelstraat", addition="bis"),
    DemoResident("999990111", "Lotte", "Mulder", "1996-08-17", "3512AB", 18, "Twijnstraat"),
    DemoResident("999990123", "Kees", "Bos", "1949-10-10", "3512BA", 2, "Lange Nieuwstraat", prefix="van den"),
    DemoResident("999990135", "Thomas", "Peters", "2001-01-23", "3584ZZ", 12, "Heidelberglaan"),
    # The energy and housing demo deliveries (lcv.portal.demo_cases):
    # "O. Ozturk" at 3512AB 8: diacritics in the BRP.
    DemoResident("999990147", "Özlem", "Öztürk", "1988-02-02", "3512AB", 8, "Twijnstraat"),
    # "J. Jansen" at 3512BB 14: ss/s, the BRP has Janssen.
    DemoResident("999990159", "Joost", "Janssen", "1967-07-07", "3512BB", 14, "Voorstraat"),
    # "L. de Vries", born 20-05-1990, signalled at 3511AA 9: moved within Utrecht, to 3521AB 3.
    DemoResident("999990160", "Lars", "Vries", "1990-05-20", "3521AB", 3, "Croeselaan", prefix="de"),
    # "D. Yilmaz", born 09-09-2003, at 3511AC 22: a plain match, under 27.
    DemoResident("999990172", "Deniz", "Yilmaz", "2003-09-09", "3511AC", 22, "Vismarkt"),
)


def load_residents(path: Path) -> list[DemoResident]:
    """Residents from a JSON file: a list of objects with `DemoResident`'s field names."""
    if path.stat().st_size > MAX_RESIDENTS_FILE_BYTES:
        raise ValueError(f"{path} is larger than {MAX_RESIDENTS_FILE_BYTES // (1024 * 1024)} MB")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError("the residents file must hold a JSON list of objects")
    names = {field.name for field in fields(DemoResident)}
    return [DemoResident(**{key: value for key, value in _object(item).items() if key in names}) for item in data]


def _object(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValueError("every resident must be a JSON object")
    return item
