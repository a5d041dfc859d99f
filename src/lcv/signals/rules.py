"""The rules a delivered row must meet (R10-R15), each in one place. Every message is Dutch and
names the column; the processing adds the row number. Tests are named after the rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from lcv.signals.columns import KIND_WORDS, NAMES, NO, TYPE_WORDS, YES
from lcv.signals.models import ENERGY_TYPES, TYPES_BY_SECTOR, SignalKind, SignalType

Error = tuple[str, str]  # (column, Dutch message)

POSTCODE = re.compile(r"[1-9][0-9]{3}[A-Z]{2}")
DATE_NL = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
PHONE = re.compile(r"\+?[0-9 ()-]{6,20}")
MAX_AMOUNT = Decimal("1000000")
ZERO = Decimal(0)
LIMITS = {
    "klantnummer": 50,
    "voorletters": 20,
    "tussenvoegsel": 20,
    "achternaam": 200,
    "toevoeging": 10,
    "straat": 200,
    "woonplaats": 100,
    "email": 254,
}
TYPE_LIST = ", ".join(TYPE_WORDS)
KIND_LIST = ", ".join(KIND_WORDS)
SHUT_OFF_TYPES = frozenset({SignalType.WATER.value, *ENERGY_TYPES})
RENT = SignalType.RENT.value
UPDATED, END_OF_SUPPLY, SHUT_OFF = SignalKind.UPDATED.value, SignalKind.END_OF_SUPPLY.value, SignalKind.SHUT_OFF.value
DEFAULT_DELIVERY_DAYS = frozenset(range(20, 26))  # R14: the 20th to the 25th


@lru_cache(maxsize=8192)  # many rows share dates; a date is immutable
def _date(text: str) -> date | None:
    match = DATE_NL.fullmatch(text)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        match = DATE_ISO.fullmatch(text)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return None


AMOUNT = re.compile(r"-?[0-9]{1,9}(?:\.[0-9]{1,2})?")
# spaces that may stand in a postcode or between the thousands of an amount: the ordinary space and
# the non-breaking ones Excel and word processors put there (U+00A0, narrow U+202F, figure U+2007,
# thin U+2009)
WITHOUT_SPACES = str.maketrans("", "", " \u00a0\u202f\u2007\u2009")


@lru_cache(maxsize=8192)
def _amount(text: str) -> Decimal | None:
    """Euros with at most two decimals: "1.234,56", "1234.56", "€ 12,50"."""
    text = text.replace("€", "").translate(WITHOUT_SPACES)
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    if not AMOUNT.fullmatch(text):
        return None
    return Decimal(text)


# the answer of a ja/nee column as written, and its meaning (None: left empty)
FLAG_WORDS: dict[str, bool | None] = {word: True for word in YES} | {word: False for word in NO} | {"": None}


def _flag(raw: Mapping[str, str], name: str, errors: list[Error]) -> bool | None:
    text = raw.get(name, "")
    if text in FLAG_WORDS:  # the usual case: exactly "ja", "nee" or empty
        return FLAG_WORDS[text]
    text = text.strip().lower()
    if text in FLAG_WORDS:
        return FLAG_WORDS[text]
    errors.append((name, f"vul ja of nee in, niet '{text[:20]}'"))
    return None


def parse_row(raw: Mapping[str, str], received_on: date) -> tuple[dict[str, Any], list[Error]]:
    """Formats and required columns; R10's six types and R15's kinds as the only words that exist.
    Returns the values for a Signal and every error found (not only the first)."""
    errors: list[Error] = []
    values: dict[str, Any] = {}
    for name, limit in LIMITS.items():
        text = raw.get(name, "").strip()
        if len(text) > limit:
            errors.append((name, f"te lang (ten hoogste {limit} tekens)"))
        values[name] = text[:limit]
    if not values["achternaam"]:
        errors.append(("achternaam", "ontbreekt"))
    if values["email"] and "@" not in values["email"]:
        errors.append(("email", "is geen e-mailadres"))
    phone = raw.get("telefoon", "").strip()
    if phone and not PHONE.fullmatch(phone):
        errors.append(("telefoon", "is geen telefoonnummer"))
    values["telefoon"] = phone[:30]

    postcode = raw.get("postcode", "").translate(WITHOUT_SPACES).upper()
    if not postcode:
        errors.append(("postcode", "ontbreekt"))
    elif not POSTCODE.fullmatch(postcode):
        errors.append(("postcode", f"'{postcode[:10]}' is geen Nederlandse postcode (zoals 3511AB)"))
    values["postcode"] = postcode[:6]
    house = raw.get("huisnummer", "").strip()
    # ASCII digits only: str.isdigit() also accepts '²', which int() refuses; and at most five
    # significant digits, so int() never meets a number too long to convert
    number = int(house) if house.isascii() and house.isdigit() and len(house.lstrip("0")) <= 5 else 0
    if not house:
        errors.append(("huisnummer", "ontbreekt"))
    elif not 0 < number < 100000:
        errors.append(("huisnummer", "alleen cijfers; een letter of toevoeging hoort in de kolom toevoeging"))
    values["huisnummer"] = number if 0 < number < 100000 else 0

    birth = raw.get("geboortedatum", "").strip()
    values["geboortedatum"] = None
    if birth:
        parsed = _date(birth)
        if parsed is None or parsed.year < 1900 or parsed > received_on:
            errors.append(("geboortedatum", "geen geldige datum (dd-mm-jjjj)"))
        else:
            values["geboortedatum"] = parsed

    type_word = raw.get("soort", "").strip().lower()
    values["soort"] = TYPE_WORDS.get(type_word)
    if not type_word:
        errors.append(("soort", f"ontbreekt; kies uit {TYPE_LIST}"))
    elif values["soort"] is None:
        errors.append(("soort", f"'{type_word[:30]}' is geen soort uit het convenant; kies uit {TYPE_LIST}"))
    kind_word = raw.get("type", "").strip().lower()
    values["type"] = KIND_WORDS.get(kind_word)
    if not kind_word:
        errors.append(("type", f"ontbreekt; kies uit {KIND_LIST}"))
    elif values["type"] is None:
        errors.append(("type", f"'{kind_word[:30]}' bestaat niet; kies uit {KIND_LIST}"))

    amount_text = raw.get("bedrag", "").strip()
    amount = _amount(amount_text) if amount_text else None
    if not amount_text:
        errors.append(("bedrag", "ontbreekt"))
    elif amount is None:
        errors.append(("bedrag", "geen bedrag in euro's (zoals 123,45)"))
    elif not ZERO < amount < MAX_AMOUNT:
        errors.append(("bedrag", "moet groter dan 0 en kleiner dan 1.000.000 euro zijn"))
    values["bedrag"] = amount

    since_text = raw.get("achterstand_sinds", "").strip()
    since = _date(since_text) if since_text else None
    if not since_text:
        errors.append(("achterstand_sinds", "ontbreekt"))
    elif since is None:
        errors.append(("achterstand_sinds", "geen geldige datum (dd-mm-jjjj)"))
    elif since > received_on:
        errors.append(("achterstand_sinds", "ligt in de toekomst"))
    values["achterstand_sinds"] = since
    values["dagen"] = (received_on - since).days if since is not None and since <= received_on else 0

    for name in ("warme_overdracht", "crisis"):
        values[name] = bool(_flag(raw, name, errors))
    for name in ("mvi_toegepast", "persoonlijk_contact_gezocht", "schriftelijke_herinnering", "geen_bezwaar_huurder"):
        values[name] = _flag(raw, name, errors)
    return values, errors


def unknown_columns(header: list[str]) -> list[str]:
    return [name for name in header if name and name not in NAMES]


def r10_type_of_sector(values: Mapping[str, Any], sector: str) -> Error | None:
    """R10: a partner signals only the types of its sector."""
    allowed = TYPES_BY_SECTOR.get(sector, frozenset())
    signal_type = values.get("soort")
    if signal_type is not None and signal_type not in allowed:
        words = ", ".join(sorted(word for word, value in TYPE_WORDS.items() if value in allowed))
        return ("soort", f"uw organisatie mag alleen signaleren over: {words}")
    return None


def r11_attestations(values: Mapping[str, Any]) -> list[Error]:
    """R11: socially responsible collection applied and personal contact attempted; for rent also a
    written reminder sent and the tenant did not object (Besluit art. 2)."""
    errors: list[Error] = []
    if values.get("mvi_toegepast") is not True:
        errors.append(("mvi_toegepast", "moet ja zijn: eerst maatschappelijk verantwoord incasseren (art. 2.1)"))
    if values.get("persoonlijk_contact_gezocht") is not True:
        errors.append(("persoonlijk_contact_gezocht", "moet ja zijn: eerst persoonlijk contact proberen"))
    if values.get("soort") == RENT:
        if values.get("schriftelijke_herinnering") is not True:
            errors.append(("schriftelijke_herinnering", "moet bij huur ja zijn (schriftelijke herinnering verstuurd)"))
        if values.get("geen_bezwaar_huurder") is not True:
            errors.append(
                ("geen_bezwaar_huurder", "moet bij huur ja zijn; maakte de huurder bezwaar, dan geen signaal")
            )
    return errors


def r11_window(values: Mapping[str, Any], window: Mapping[str, Any] | None) -> Error | None:
    """R11: at least the number of days of arrears of art. 3.1 in the agreement that governs the row.
    (The municipality's own minimum amount is a handling decision, not checked here.)"""
    if window is None or values.get("achterstand_sinds") is None:
        return None
    minimum = int(window.get("min_days") or 0)
    if values["dagen"] < minimum:
        return (
            "achterstand_sinds",
            f"{values['dagen']} dagen achterstand; de overeenkomst staat signaleren toe vanaf {minimum} dagen",
        )
    return None


def r11_beyond_window(values: Mapping[str, Any], window: Mapping[str, Any] | None) -> bool:
    """R11: more days of arrears than the maximum of art. 3.1 (health insurance: 30-100 days):
    accepted, and flagged, as a delivery outside the moments is. Whether it is still justified is for
    the municipality to see."""
    if window is None or not window.get("max_days") or values.get("achterstand_sinds") is None:
        return False
    return int(values["dagen"]) > int(window["max_days"])


def r15_kind_fits_type(values: Mapping[str, Any]) -> Error | None:
    """R15: updated and eindelevering signals are energy signals; shut-off signals come from water
    and energy companies."""
    kind, signal_type = values.get("type"), values.get("soort")
    if kind is None or signal_type is None:
        return None
    if kind in (UPDATED, END_OF_SUPPLY) and signal_type not in ENERGY_TYPES:
        return ("type", "geactualiseerd en eindelevering bestaan alleen bij elektriciteit, gas en warmte")
    if kind == SHUT_OFF and signal_type not in SHUT_OFF_TYPES:
        return ("type", "afsluiting bestaat alleen bij drinkwater, elektriciteit, gas en warmte")
    return None


# R15: signals of a threatening situation are sent without delay, whatever the delivery moments
URGENT_KINDS = frozenset({END_OF_SUPPLY, SHUT_OFF})


def r14_outside_delivery_moment(
    received_on: date, delivery_days: frozenset[int] | None, kind: str | None = None, crisis: bool = False
) -> bool:
    """R14: delivered outside the agreed moments (the 20th-25th, or the days of an accepted addendum):
    accepted, and flagged. Not for shut-off and eindelevering signals or a crisis (R15): those must
    be sent without delay, so no moment is "outside"."""
    if kind in URGENT_KINDS or crisis:
        return False
    return received_on.day not in (delivery_days or DEFAULT_DELIVERY_DAYS)


def r15_without_earlier_signal(kind: str | None, earlier_early_signal: bool) -> bool:
    """R15: an eindelevering or shut-off signal without an earlier vroegsignaal from the same partner
    for that address: accepted, and flagged (a shut-off signal is even obligatory then, FACTS.md, but
    the municipality should see that this household was not signalled early)."""
    return kind in URGENT_KINDS and not earlier_early_signal
