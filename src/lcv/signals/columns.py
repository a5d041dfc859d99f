"""The columns of a signal, in one place: the CSV/XLSX headers, the API's JSON names (the same
Dutch words), the template's example row and the documentation (docs/signals.md is checked
against this list by a test)."""

from __future__ import annotations

from dataclasses import dataclass

from lcv.signals.models import SignalKind, SignalType


@dataclass(frozen=True)
class Column:
    name: str  # header in the file and key in the API
    description: str
    example: str
    required: bool = False
    rent_only: bool = False


# Words used in files and the API for the enumerations (R10: only these six types exist). Plain
# strings (`.value`), not enum members: these are compared and hashed for every delivered row.
TYPE_WORDS: dict[str, str] = {
    "huur": SignalType.RENT.value,
    "drinkwater": SignalType.WATER.value,
    "zorgverzekering": SignalType.HEALTH_INSURANCE.value,
    "elektriciteit": SignalType.ELECTRICITY.value,
    "gas": SignalType.GAS.value,
    "warmte": SignalType.HEAT.value,
}
KIND_WORDS: dict[str, str] = {
    "vroegsignaal": SignalKind.EARLY.value,
    "geactualiseerd": SignalKind.UPDATED.value,
    "eindelevering": SignalKind.END_OF_SUPPLY.value,
    "afsluiting": SignalKind.SHUT_OFF.value,
}
WORD_FOR_TYPE = {value: word for word, value in TYPE_WORDS.items()}
WORD_FOR_KIND = {value: word for word, value in KIND_WORDS.items()}
YES = frozenset({"ja", "j", "1", "true", "waar", "yes"})
NO = frozenset({"nee", "n", "0", "false", "onwaar", "no", ""})

COLUMNS: tuple[Column, ...] = (
    Column("klantnummer", "Uw eigen klant- of contractnummer van de bewoner.", "K-100234"),
    Column("voorletters", "Voorletters, zonder punten of met.", "J.A."),
    Column("tussenvoegsel", "Tussenvoegsel van de achternaam.", "van der"),
    Column("achternaam", "Achternaam.", "Berg", required=True),
    Column("geboortedatum", "Geboortedatum als dd-mm-jjjj of jjjj-mm-dd.", "14-03-1981"),
    Column(
        "postcode",
        "Postcode van het leveringsadres: de woning waar de achterstand over gaat, niet een postadres. Bijv. 3511AB.",
        "3511AB",
        required=True,
    ),
    Column("huisnummer", "Huisnummer van het leveringsadres, alleen cijfers.", "12", required=True),
    Column("toevoeging", "Huisletter of toevoeging.", "B"),
    Column("straat", "Straat van het leveringsadres.", "Oudegracht"),
    Column("woonplaats", "Woonplaats van het leveringsadres.", "Utrecht"),
    Column("telefoon", "Telefoonnummer, als bekend.", "0612345678"),
    Column("email", "E-mailadres, als bekend.", "j.berg@voorbeeld.nl"),
    Column(
        "soort",
        "Soort achterstand: huur, drinkwater, zorgverzekering, elektriciteit, gas of warmte. Andere soorten "
        "(parkeren, garage, gemeentelijke belastingen) bestaan niet in het convenant.",
        "drinkwater",
        required=True,
    ),
    Column(
        "type",
        "vroegsignaal, geactualiseerd (energie), eindelevering (energie) of afsluiting (drinkwater, energie).",
        "vroegsignaal",
        required=True,
    ),
    Column("bedrag", "Bedrag van de achterstand in euro's, bijv. 123,45.", "245,50", required=True),
    Column("achterstand_sinds", "Datum waarop de achterstand ontstond (dd-mm-jjjj).", "01-01-2026", required=True),
    Column("warme_overdracht", "ja als u de bewoner al sprak en de gemeente vraagt het over te nemen.", "nee"),
    Column("crisis", "ja bij een dreigende situatie (huisuitzetting, afsluiting, einde verzekering).", "nee"),
    Column(
        "mvi_toegepast", "ja: u paste eerst maatschappelijk verantwoord incasseren toe (art. 2.1).", "ja", required=True
    ),
    Column("persoonlijk_contact_gezocht", "ja: u probeerde persoonlijk contact met de bewoner.", "ja", required=True),
    Column(
        "schriftelijke_herinnering",
        "Alleen huur: ja als ten minste één schriftelijke herinnering is verstuurd die aanbood de gegevens door te "
        "geven aan de gemeente.",
        "",
        rent_only=True,
    ),
    Column("geen_bezwaar_huurder", "Alleen huur: ja als de huurder geen bezwaar maakte.", "", rent_only=True),
)
NAMES = tuple(column.name for column in COLUMNS)
REQUIRED = frozenset(column.name for column in COLUMNS if column.required)
# A CAK file (FAQ 29) is health insurance by definition; the partner's attestations do not apply.
CAK_REQUIRED = frozenset({"achternaam", "postcode", "huisnummer", "bedrag", "achterstand_sinds"})

# The example row fits the partner's sector (a water row was shown to every partner): what differs
# from the columns' own examples (drinking water).
SECTOR_EXAMPLES: dict[str, dict[str, str]] = {
    "water": {},
    "energy": {"soort": "gas", "bedrag": "312,40", "klantnummer": "E-558120"},
    "housing": {
        "soort": "huur",
        "bedrag": "1.150,00",
        "klantnummer": "H-20417",
        "schriftelijke_herinnering": "ja",
        "geen_bezwaar_huurder": "ja",
    },
    "health_insurance": {"soort": "zorgverzekering", "bedrag": "412,80", "klantnummer": "Z-9911876"},
}
# A CAK file (FAQ 29) carries only what the CAK's own list holds: no kind, type or attestations
CAK_COLUMNS = tuple(
    column
    for column in COLUMNS
    if column.name not in {"soort", "type", "warme_overdracht", "mvi_toegepast", "persoonlijk_contact_gezocht"}
    and not column.rent_only
)
CAK_EXAMPLE = {"klantnummer": "CAK-000123", "bedrag": "1.240,00", "achterstand_sinds": "01-05-2025", "crisis": "nee"}


def example_row(sector: str | None, cak: bool = False) -> dict[str, str]:
    """The template's example row for a partner of this sector, or for a municipality's CAK file."""
    values = {column.name: column.example for column in COLUMNS}
    if cak:
        values.update(CAK_EXAMPLE)
        return {column.name: values[column.name] for column in CAK_COLUMNS}
    values.update(SECTOR_EXAMPLES.get(sector or "", {}))
    return values
