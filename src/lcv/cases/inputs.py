"""The named inputs of the SQL definitions over a case: the score (priority.py) and the triage
rules (triage.py) are written once over these names. On a stored case they are its columns
(`COLUMNS`); grouping fills the same names with the figures of a household it is about to store
(`grouping._inputs`). Integers, the flags as conditions."""

from __future__ import annotations

from lcv.cases.models import Case

TABLE = Case._meta.db_table

COLUMNS = {
    "claims": f'"{TABLE}"."claim_count"',
    "sectors": f'"{TABLE}"."sector_count"',
    "crisis": f'"{TABLE}"."crisis"',
    "threatening": f'"{TABLE}"."threatening"',
    "shut_off": f'"{TABLE}"."shut_off"',
    "end_of_supply": f'"{TABLE}"."end_of_supply"',
    "euros": f'"{TABLE}"."total_euros"',
    "days": f'"{TABLE}"."max_days_in_arrears"',
    "earlier": f'"{TABLE}"."earlier_cases"',
    # named by sector (organisations.Sector)
    "housing": f'"{TABLE}"."has_housing"',
    "water": f'"{TABLE}"."has_water"',
    "energy": f'"{TABLE}"."has_energy"',
    "health_insurance": f'"{TABLE}"."has_health_insurance"',
    "youngest": f'"{TABLE}"."youngest_birth_date"',
    "postcode": f'"{TABLE}"."postcode"',
}
