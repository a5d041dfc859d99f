"""Work trays (werkbakjes): a municipal party's triage rules sort its new cases into trays.

Rules are tried in their order; the first that fits decides, and a case no rule fits goes to the
party's last tray. Only cases nobody has picked up are (re)sorted: a new signal can move an
untouched case (for example into the tray for multiple creditors), never a case in someone's hands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import F, IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from lcv.cases.inputs import COLUMNS
from lcv.cases.models import Approach, Case, CaseStatus, Tray, TriageRule
from lcv.organisations.models import Organisation, Sector

SECTOR_FIELDS = {
    Sector.HOUSING.value: "has_housing",
    Sector.WATER.value: "has_water",
    Sector.ENERGY.value: "has_energy",
    Sector.HEALTH_INSURANCE.value: "has_health_insurance",
}

# A new municipal party starts with these (name, approach, rule conditions); the last catches the rest.
DEFAULT_TRAYS: tuple[tuple[str, str, dict[str, object] | None], ...] = (
    (str(_("Crisis en afsluiting")), Approach.HOME_VISIT, {"urgent": True}),
    (str(_("Meerdere schuldeisers")), Approach.PHONE, {"multiple": True}),
    (str(_("Jongeren tot 27 jaar")), Approach.PHONE, {"under_27": True}),
    (str(_("Eén signaal")), Approach.CARD, None),
)


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


_TABLE = Case._meta.db_table


def condition_sql(rule: TriageRule, today: date, inputs: dict[str, str]) -> tuple[str, list[object]]:
    """The rule as one SQL condition over `inputs` (empty conditions are not checked), with its
    parameters. The one definition of what a rule means: grouping and re-sorting both use it."""
    parts: list[str] = []
    params: list[object] = []
    if rule.multiple is not None:
        parts.append(f"{inputs['sectors']} {'>=' if rule.multiple else '<'} 2")
    if rule.urgent is not None:
        urgent = f"({inputs['crisis']} OR {inputs['shut_off']} OR {inputs['threatening']})"
        parts.append(urgent if rule.urgent else f"NOT {urgent}")
    if rule.sector:
        parts.append(inputs[rule.sector])  # the inputs are named by sector
    if rule.amount_above is not None:
        parts.append(f"{inputs['euros']} > %s")
        params.append(int(rule.amount_above))
    if rule.under_27 is not None:
        young = f"({inputs['youngest']} IS NOT NULL AND {inputs['youngest']} > %s)"
        parts.append(young if rule.under_27 else f"NOT {young}")
        params.append(connection.ops.adapt_datefield_value(_years_ago(today, 27)))
    if rule.postcode_from is not None:
        parts.append(f"{inputs['postcode']} >= %s")
        params.append(f"{rule.postcode_from:04d}")
    if rule.postcode_to is not None:
        parts.append(f"{inputs['postcode']} < %s")
        params.append(f"{rule.postcode_to + 1:04d}")
    return "(" + (" AND ".join(parts) or "1 = 1") + ")", params


@transaction.atomic
def ensure_default_trays(party: Organisation) -> list[Tray]:
    """A municipal party without trays gets the default ones (and their rules)."""
    return default_trays_of([party.pk])[party.pk]


def default_trays_of(party_ids: Iterable[int]) -> dict[int, list[Tray]]:
    """The trays of these parties, in order; parties without any get the defaults (few statements
    for any number of parties)."""
    ids = sorted(set(party_ids))
    trays: dict[int, list[Tray]] = {party: [] for party in ids}
    for tray in Tray.objects.filter(municipal_party_id__in=ids).order_by("municipal_party_id", "position", "pk"):
        trays[tray.municipal_party_id].append(tray)
    missing = [party for party, found in trays.items() if not found]
    if missing:
        Tray.objects.bulk_create(
            Tray(municipal_party_id=party, name=name, approach=approach, position=position)
            for party in missing
            for position, (name, approach, _conditions) in enumerate(DEFAULT_TRAYS)
        )
        made = Tray.objects.filter(municipal_party_id__in=missing).order_by("municipal_party_id", "position", "pk")
        for tray in made:
            trays[tray.municipal_party_id].append(tray)
        TriageRule.objects.bulk_create(
            TriageRule(municipal_party_id=party, tray=trays[party][position], position=position, **conditions)
            for party in missing
            for position, (_name, _approach, conditions) in enumerate(DEFAULT_TRAYS)
            if conditions is not None
        )
    return trays


RULE_FIELDS = ("multiple", "urgent", "sector", "amount_above", "under_27", "postcode_from", "postcode_to")


@dataclass(frozen=True)
class TrayChoice:
    """The tray of an untouched case as SQL: `index` (over the inputs, with `params`) is the position
    of the first rule of its party that fits it; `mapping`, a VALUES list of (party, position, tray),
    gives the tray (position = number of rules: the party's last tray)."""

    index: str
    params: list[object]
    mapping: str


def tray_choice(party_ids: Iterable[int], today: date, inputs: dict[str, str], party: str) -> TrayChoice | None:
    """The tray choice for cases of these parties (parties without trays get the defaults).

    Parties whose rules have the same conditions in the same order (most keep the defaults) share
    one branch of `index`; the tray per party comes from the small mapping."""
    trays = default_trays_of(party_ids)
    rules: dict[int, list[TriageRule]] = defaultdict(list)
    for rule in TriageRule.objects.filter(municipal_party_id__in=trays).order_by(
        "municipal_party_id", "position", "pk"
    ):
        rules[rule.municipal_party_id].append(rule)
    shapes: dict[tuple[tuple[object, ...], ...], list[int]] = defaultdict(list)
    for party_id, found in trays.items():
        if found:
            shapes[tuple(tuple(getattr(rule, f) for f in RULE_FIELDS) for rule in rules[party_id])].append(party_id)
    if not shapes:
        return None
    branches: list[str] = []
    params: list[object] = []
    mapping: list[str] = []
    for shape, parties in shapes.items():
        first = rules[parties[0]]
        whens = []
        for n, rule in enumerate(first):
            sql, rule_params = condition_sql(rule, today, inputs)
            whens.append(f"WHEN {sql} THEN {n}")
            params += rule_params
        index = f"(CASE {' '.join(whens)} ELSE {len(shape)} END)" if whens else "0"
        branches.append(f"WHEN {party} IN ({', '.join(str(int(p)) for p in parties)}) THEN {index}")
        mapping += [
            f"({int(p)}, {n}, {int(rules[p][n].tray_id if n < len(shape) else trays[p][-1].pk)})"
            for p in parties
            for n in range(len(shape) + 1)
        ]
    # the parameters of a branch's conditions follow its party list, which has none
    return TrayChoice(f"(CASE {' '.join(branches)} END)", params, ", ".join(mapping))


def sort_into_trays(cases: QuerySet[Case], *, today: date | None = None) -> None:
    """Put the untouched cases among these into the tray of the first rule that fits them (none
    fits: the party's last tray), in one statement for all parties that writes only the cases whose
    tray changes."""
    today = today or date.today()
    untouched = cases.filter(status=CaseStatus.NEW, handler__isnull=True, is_open=True)
    party_ids = set(untouched.values_list("municipal_party_id", flat=True).distinct())
    if not party_ids:
        return
    choice = tray_choice(party_ids, today, COLUMNS, f'"{_TABLE}"."municipal_party_id"')
    if choice is None:
        return
    named = untouched.annotate(
        case_pk=F("pk"),
        party_pk=F("municipal_party_id"),
        rule_index=RawSQL(choice.index, choice.params, output_field=IntegerField()),  # noqa: S611 - built by tray_choice
    )
    subquery, params = named.values("case_pk", "party_pk", "rule_index").query.sql_with_params()
    # a VALUES list (its columns are column1..3 on both databases); with a UNION ALL of a SELECT per
    # row this step took 5.5-7.2 s for 150,000 signals, with VALUES 4.6 s (bench_cases.py)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_TABLE} SET tray_id = m.column3 FROM ({subquery}) q "  # noqa: S608 - integers and a compiled query
            f"JOIN (VALUES {choice.mapping}) m ON m.column1 = q.party_pk AND m.column2 = q.rule_index "
            f"WHERE {_TABLE}.id = q.case_pk AND ({_TABLE}.tray_id IS NULL OR {_TABLE}.tray_id <> m.column3)",
            params,
        )
