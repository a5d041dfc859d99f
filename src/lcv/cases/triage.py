"""Work trays (werkbakjes): a municipal party's triage rules sort its new cases into trays.

Rules are tried in their order; the first that fits decides, and a case no rule fits goes to the
party's last tray. Only cases nobody has picked up are (re)sorted: a new signal can move an
untouched case (for example into the tray for multiple creditors), never a case in someone's hands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.db.models import Case as DbCase
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

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


def condition(rule: TriageRule, today: date) -> Q:
    """The rule as a database condition on cases (empty conditions are not checked)."""
    q = Q()
    if rule.multiple is not None:
        q &= Q(sector_count__gte=2) if rule.multiple else Q(sector_count__lt=2)
    if rule.urgent is not None:
        urgent = Q(crisis=True) | Q(shut_off=True) | Q(threatening=True)
        q &= urgent if rule.urgent else ~urgent
    if rule.sector:
        q &= Q(**{SECTOR_FIELDS[rule.sector]: True})
    if rule.amount_above is not None:
        q &= Q(total_euros__gt=rule.amount_above)
    if rule.under_27 is not None:
        young = Q(youngest_birth_date__gt=_years_ago(today, 27))
        q &= young if rule.under_27 else ~young
    if rule.postcode_from is not None:
        q &= Q(postcode__gte=f"{rule.postcode_from:04d}")
    if rule.postcode_to is not None:
        q &= Q(postcode__lt=f"{rule.postcode_to + 1:04d}")
    return q


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


def sort_into_trays(cases: QuerySet[Case], *, today: date | None = None) -> None:
    """Put the untouched cases among these into the tray of the first rule that fits them (none
    fits: the party's last tray).

    One statement for all parties whose rules have the same conditions in the same order (most keep
    the defaults): the database picks the index of the first fitting rule per case, and the tray of
    that index per party comes from a small joined mapping."""
    today = today or date.today()
    untouched = cases.filter(status=CaseStatus.NEW, handler__isnull=True, is_open=True)
    party_ids = set(untouched.values_list("municipal_party_id", flat=True).distinct())
    if not party_ids:
        return
    trays = default_trays_of(party_ids)
    rules: dict[int, list[TriageRule]] = defaultdict(list)
    for rule in TriageRule.objects.filter(municipal_party_id__in=party_ids).order_by(
        "municipal_party_id", "position", "pk"
    ):
        rules[rule.municipal_party_id].append(rule)
    shapes: dict[tuple[tuple[object, ...], ...], list[int]] = defaultdict(list)
    for party in party_ids:
        if trays[party]:
            shapes[tuple(tuple(getattr(rule, f) for f in RULE_FIELDS) for rule in rules[party])].append(party)
    for shape, parties in shapes.items():
        first = rules[parties[0]]
        index = DbCase(
            *(When(condition(rule, today), then=Value(n)) for n, rule in enumerate(first)),
            default=Value(len(shape)),
            output_field=IntegerField(),
        )
        mapping = {
            (party, n): (rules[party][n].tray_id if n < len(shape) else trays[party][-1].pk)
            for party in parties
            for n in range(len(shape) + 1)
        }
        _assign(untouched.filter(municipal_party_id__in=parties).annotate(rule_index=index), mapping)


def _assign(cases: QuerySet[Case], tray_of: dict[tuple[int, int], int]) -> None:
    """One UPDATE: each case into the tray given for (its party, its `rule_index`)."""
    named = cases.annotate(case_pk=F("pk"), party_pk=F("municipal_party_id"))
    subquery, params = named.values("case_pk", "party_pk", "rule_index").query.sql_with_params()
    # a VALUES list (its columns are column1..3 on both databases); with a UNION ALL of a SELECT per
    # row this step took 5.5-7.2 s for 150,000 signals, with VALUES 4.6 s (bench_cases.py)
    mapping = ", ".join(f"({int(party)}, {int(n)}, {int(tray)})" for (party, n), tray in tray_of.items())
    table = Case._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET tray_id = m.column3 FROM ({subquery}) q "  # noqa: S608 - integers and a compiled query
            f"JOIN (VALUES {mapping}) m ON m.column1 = q.party_pk AND m.column2 = q.rule_index "
            f"WHERE {table}.id = q.case_pk",
            params,
        )
