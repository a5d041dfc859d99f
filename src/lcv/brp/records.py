"""What the BRP tells us about a person, read exactly as the spec defines it.

`Resident` holds only what the check needs. Dates are the spec's `AbstractDatum` subtypes: a full
`Datum`, a `JaarMaandDatum` or `JaarDatum` (day or month unknown) or `DatumOnbekend`. Anything
else than the spec describes raises `BrpMalformed` (which never quotes the values).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from lcv.brp.errors import BrpMalformed

BSN = re.compile(r"^[0-9]{9}$")
MUNICIPALITY_CODE = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class BrpDate:
    """One of the spec's date types. `kind` is the spec's `type`: Datum, JaarMaandDatum, JaarDatum
    or DatumOnbekend; the parts that are unknown are None."""

    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @classmethod
    def of(cls, value: datetime.date) -> BrpDate:
        return cls("Datum", value.year, value.month, value.day)

    def agrees_with(self, value: datetime.date) -> bool:
        """True when `value` can be this date: every known part is equal (an unknown date agrees
        with every date, so a match then rests on the name alone)."""
        return all(
            part is None or part == actual
            for part, actual in ((self.year, value.year), (self.month, value.month), (self.day, value.day))
        )


@dataclass(frozen=True)
class PartnerName:
    prefix: str
    surname: str


@dataclass(frozen=True)
class Resident:
    """One person in a BRP answer: BSN, name parts, birth date and, when asked, how they use a
    partner's name (`naming_use` is the code of `aanduidingNaamgebruik`: E, P, V or N), their
    partners' names and the code of their municipality of registration."""

    bsn: str
    surname: str
    prefix: str = ""
    given_names: str = ""
    birth_date: BrpDate | None = None
    naming_use: str = ""
    partners: tuple[PartnerName, ...] = ()
    municipality_code: str = ""


def _malformed(what: str) -> BrpMalformed:
    return BrpMalformed(f"BRP answer not as the spec defines it: {what}")


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _malformed(f"{what} is not an object")
    return value


def _text(container: dict[str, Any], key: str, what: str) -> str:
    value = container.get(key, "")
    if not isinstance(value, str):
        raise _malformed(f"{what}.{key} is not a string")
    return value


def _int(container: dict[str, Any], key: str, what: str, low: int, high: int) -> int:
    value = container.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _malformed(f"{what}.{key} is not an integer from {low} to {high}")
    return value


def parse_date(value: Any, what: str) -> BrpDate:
    data = _object(value, what)
    kind = data.get("type")
    if not isinstance(data.get("langFormaat"), str):
        raise _malformed(f"{what}.langFormaat is missing")
    if kind == "Datum":
        try:
            full = datetime.date.fromisoformat(_text(data, "datum", what))
        except ValueError:
            raise _malformed(f"{what}.datum is not a date") from None
        return BrpDate.of(full)
    if kind == "JaarMaandDatum":
        return BrpDate(kind, _int(data, "jaar", what, 1, 9999), _int(data, "maand", what, 1, 12))
    if kind == "JaarDatum":
        return BrpDate(kind, _int(data, "jaar", what, 1, 9999))
    if kind == "DatumOnbekend":
        return BrpDate(kind)
    raise _malformed(f"{what}.type is not a date type of the spec")


def _partners(value: Any) -> tuple[PartnerName, ...]:
    if not isinstance(value, list):
        raise _malformed("partners is not a list")
    names = []
    for item in value:
        naam = _object(_object(item, "partner").get("naam", {}), "partners.naam")
        names.append(
            PartnerName(_text(naam, "voorvoegsel", "partners.naam"), _text(naam, "geslachtsnaam", "partners.naam"))
        )
    return tuple(name for name in names if name.surname)


def parse_person(value: Any) -> Resident:
    person = _object(value, "persoon")
    bsn = person.get("burgerservicenummer")
    if not isinstance(bsn, str) or not BSN.match(bsn):
        raise _malformed("burgerservicenummer missing or not nine digits")
    naam = _object(person.get("naam", {}), "naam")
    geboorte = _object(person.get("geboorte", {}), "geboorte")
    use = _object(naam.get("aanduidingNaamgebruik", {}), "naam.aanduidingNaamgebruik")
    municipality = _object(person.get("gemeenteVanInschrijving", {}), "gemeenteVanInschrijving")
    code = _text(municipality, "code", "gemeenteVanInschrijving")
    if code and not MUNICIPALITY_CODE.match(code):
        raise _malformed("gemeenteVanInschrijving.code is not four digits")
    return Resident(
        bsn=bsn,
        surname=_text(naam, "geslachtsnaam", "naam"),
        prefix=_text(naam, "voorvoegsel", "naam"),
        given_names=_text(naam, "voornamen", "naam"),
        birth_date=parse_date(geboorte["datum"], "geboorte.datum") if "datum" in geboorte else None,
        naming_use=_text(use, "code", "naam.aanduidingNaamgebruik"),
        partners=_partners(person.get("partners", [])),
        municipality_code=code,
    )


def parse_answer(value: Any, query_type: str) -> list[Resident]:
    """The `personen` of a 200 answer to a query of `query_type` (absent: nobody found)."""
    body = _object(value, "answer")
    if body.get("type") != query_type:
        raise _malformed("type does not name the query asked")
    personen = body.get("personen", [])
    if not isinstance(personen, list):
        raise _malformed("personen is not a list")
    return [parse_person(item) for item in personen]
