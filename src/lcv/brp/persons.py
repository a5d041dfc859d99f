"""How the BRP test service writes a resident: the spec's `Persoon`, and `fields` applied to it."""

from __future__ import annotations

import datetime
from typing import Any

from lcv.brp.demo_residents import DemoResident

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
NAMING_USE = {
    "E": "eigen geslachtsnaam",
    "P": "geslachtsnaam echtgenoot of geregistreerd partner",
    "V": "geslachtsnaam echtgenoot of geregistreerd partner gevolgd door eigen geslachtsnaam",
    "N": "eigen geslachtsnaam gevolgd door geslachtsnaam echtgenoot of geregistreerd partner",
}


def datum(value: str) -> dict[str, Any]:
    """A date as one of the spec's date types: full, year-month, year only or unknown."""
    parts = [int(part) for part in value.split("-")] if value else []
    if len(parts) == 3:
        day = datetime.date(*parts)
        return {
            "type": "Datum",
            "datum": day.isoformat(),
            "langFormaat": f"{day.day} {MONTHS[day.month - 1]} {day.year}",
        }
    if len(parts) == 2:
        return {
            "type": "JaarMaandDatum",
            "jaar": parts[0],
            "maand": parts[1],
            "langFormaat": f"{MONTHS[parts[1] - 1]} {parts[0]}",
        }
    if len(parts) == 1:
        return {"type": "JaarDatum", "jaar": parts[0], "langFormaat": str(parts[0])}
    return {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}


def _initials(given_names: str) -> str:
    return "".join(f"{name[0]}." for name in given_names.split())


def _name(given: str, prefix: str, surname: str) -> dict[str, Any]:
    name: dict[str, Any] = {"voornamen": given, "geslachtsnaam": surname, "voorletters": _initials(given)}
    if prefix:
        name["voorvoegsel"] = prefix
    name["volledigeNaam"] = " ".join(part for part in (given, prefix, surname) if part)
    return {key: value for key, value in name.items() if value}


def _house(resident: DemoResident) -> str:
    return " ".join(str(part) for part in (resident.house_number, resident.house_letter, resident.addition) if part)


def persoon(resident: DemoResident) -> dict[str, Any]:
    """The resident as the spec's `Persoon` (the searches answer a `PersoonBeperkt`: a subset)."""
    name = _name(resident.given_names, resident.prefix, resident.surname)
    name["aanduidingNaamgebruik"] = {"code": resident.naming_use, "omschrijving": NAMING_USE[resident.naming_use]}
    address: dict[str, Any] = {
        "officieleStraatnaam": resident.street,
        "korteStraatnaam": resident.street[:24],
        "huisnummer": resident.house_number,
        "postcode": resident.postcode,
        "woonplaats": resident.town,
    }
    if resident.house_letter:
        address["huisletter"] = resident.house_letter
    if resident.addition:
        address["huisnummertoevoeging"] = resident.addition
    person: dict[str, Any] = {
        "burgerservicenummer": resident.bsn,
        "naam": name,
        "geboorte": {"datum": datum(resident.birth_date)},
        "gemeenteVanInschrijving": {"code": resident.municipality_code, "omschrijving": resident.municipality_name},
        "verblijfplaats": {"type": "Adres", "verblijfadres": address},
        "adressering": {
            "adresregel1": f"{resident.street} {_house(resident)}"[:40],
            "adresregel2": f"{resident.postcode[:4]} {resident.postcode[4:]}  {resident.town.upper()}"[:50],
            "land": {"code": "6030", "omschrijving": "Nederland"},
        },
    }
    if resident.partner_surname:
        partner = _name(resident.partner_given_names, resident.partner_prefix, resident.partner_surname)
        partner.pop("volledigeNaam")
        person["partners"] = [{"naam": partner, "soortVerbintenis": {"code": "H", "omschrijving": "huwelijk"}}]
    return person


def _pick(value: Any, path: list[str]) -> Any:
    if not path:
        return value
    if isinstance(value, list):
        picked = [_pick(item, path) for item in value]
        return [item for item in picked if item is not None] or None
    if isinstance(value, dict) and path[0] in value:
        inner = _pick(value[path[0]], path[1:])
        return None if inner is None else {path[0]: inner}
    return None


def _merge(into: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif isinstance(value, list) and isinstance(into.get(key), list):
            for target, item in zip(into[key], value, strict=False):
                if isinstance(target, dict) and isinstance(item, dict):
                    _merge(target, item)
        else:
            into[key] = value


def select(person: dict[str, Any], field_paths: list[str]) -> dict[str, Any]:
    """Only the asked fields (spec, `fields`): a path keeps its whole subtree; a path through a
    list applies to every element (`partners.naam.geslachtsnaam`)."""
    result: dict[str, Any] = {}
    for path in field_paths:
        picked = _pick(person, path.split("."))
        if isinstance(picked, dict):
            _merge(result, picked)
    return result
