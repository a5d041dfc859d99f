"""The published Haal Centraal *BRP Personen Bevragen* v2 spec (`openapi.yaml`, EUPL-1.2, vendored
unchanged from https://github.com/BRP-API/Haal-Centraal-BRP-bevragen, version 2.7.0) and what we
derive from it: a strict validator per query type and the field paths each answer type knows.

The request schemas in the spec use a discriminator on `type`, which JSON Schema ignores; so we
validate against the schema the `type` names, and refuse properties it does not declare (the real
API answers those with 400 `unknownParam` too).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

SPEC_PATH = Path(__file__).with_name("openapi.yaml")

# Query type -> the schema of one person in its answer.
PERSON_SCHEMA = {
    "RaadpleegMetBurgerservicenummer": "Persoon",
    "ZoekMetGeslachtsnaamEnGeboortedatum": "PersoonBeperkt",
    "ZoekMetNaamEnGemeenteVanInschrijving": "PersoonBeperkt",
    "ZoekMetPostcodeEnHuisnummer": "PersoonBeperkt",
    "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving": "PersoonBeperkt",
    "ZoekMetNummeraanduidingIdentificatie": "PersoonBeperkt",
    "ZoekMetAdresseerbaarObjectIdentificatie": "GezagPersoonBeperkt",
}
# Delivered automatically; asking for them in `fields` is a 400 (spec, PersonenQuery.fields).
AUTOMATIC_FIELDS = frozenset(
    {"inOnderzoek", "geheimhoudingPersoonsgegevens", "opschortingBijhouding", "rni", "verificatie"}
)
# Objects that `fields` names as a whole: a date is asked as `geboorte.datum`, never its parts.
WHOLE_OBJECTS = frozenset({"AbstractDatum"})


@functools.cache
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def schemas() -> dict[str, Any]:
    result: dict[str, Any] = spec()["components"]["schemas"]
    return result


def _root(name: str, *, strict: bool) -> dict[str, Any]:
    root: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/components/schemas/{name}",
        "components": spec()["components"],
    }
    if strict:
        root["unevaluatedProperties"] = False
    return root


@functools.cache
def validator(name: str, *, strict: bool = False) -> Any:
    """A JSON Schema validator for one named schema of the spec (formats such as `date` checked)."""
    return jsonschema_rs.validator_for(_root(name, strict=strict), validate_formats=True)


def request_validator(query_type: str) -> Any:
    """Validates a request body of this query type, refusing undeclared properties."""
    return validator(query_type, strict=True)


def _ref_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _properties(name: str, *, subtypes: bool = True) -> dict[str, Any]:
    """The properties of a named schema, through `allOf` and (for an abstract schema such as
    `AbstractVerblijfplaats`) the properties of its discriminator's subtypes."""
    node = schemas()[name]
    props: dict[str, Any] = dict(node.get("properties", {}))
    for part in node.get("allOf", []):
        if (ref := _ref_name(part)) is not None:
            props.update(_properties(ref, subtypes=False))  # a subtype's parent: not its siblings
        props.update(part.get("properties", {}))
    if subtypes:
        for target in node.get("discriminator", {}).get("mapping", {}).values():
            for key, value in _properties(target.rsplit("/", 1)[-1], subtypes=False).items():
                props.setdefault(key, value)
    return props


def _paths(name: str, prefix: str, seen: frozenset[str], out: set[str]) -> None:
    for key, prop in _properties(name, subtypes=False).items():
        if key == "inOnderzoek" or (not prefix and key in AUTOMATIC_FIELDS):
            continue
        path = f"{prefix}{key}"
        out.add(path)
        target = prop.get("items", prop) if prop.get("type") == "array" else prop
        ref = _ref_name(target)
        if ref is not None and ref not in WHOLE_OBJECTS and ref not in seen:
            _paths(ref, f"{path}.", seen | {ref}, out)
    for target in schemas()[name].get("discriminator", {}).get("mapping", {}).values():
        sub = target.rsplit("/", 1)[-1]
        if sub not in seen:  # the properties of each subtype, e.g. Adres and Locatie for verblijfplaats
            _paths(sub, prefix, seen | {sub}, out)


@functools.cache
def field_paths(query_type: str) -> frozenset[str]:
    """Every path `fields` may name for this query type: each property of its person schema, to
    any depth (`naam`, `naam.geslachtsnaam`, `partners.naam.voorvoegsel`), without the automatic
    fields and `inOnderzoek`."""
    name = PERSON_SCHEMA[query_type]
    out: set[str] = set()
    _paths(name, "", frozenset({name}), out)
    return frozenset(out)
