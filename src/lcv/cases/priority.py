"""Priority that explains itself (R18, FAQ 32): one linear formula over a case's counters.

Each term is a weight (set per municipal party in CaseSettings) times a whole number taken from the
case. The score stored on the case (for sorting trays in the database) and the breakdown shown to
the handler come from the same TERMS, so the breakdown always sums to the score. Partners weigh
equally: no term depends on who signalled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import Combinable, RawSQL
from django.utils.translation import gettext_lazy as _

from lcv.cases.inputs import COLUMNS
from lcv.cases.models import Case, CaseSettings


@dataclass(frozen=True)
class Term:
    key: str
    label: Any  # a lazy Dutch text
    weight: str  # the CaseSettings field
    unit: Any  # what one unit is, in Dutch
    value: Callable[[Case], int]  # the number of units on a case
    # the same number in SQL, over named inputs (inputs.py: the case's own columns; grouping passes
    # the aggregates it is about to store)
    sql: str


TERMS: tuple[Term, ...] = (
    Term("claims", _("Signalen"), "weight_claims", _("per achterstand"), lambda c: c.claim_count, "({claims})"),
    Term(
        "sectors",
        _("Meervoudig: meer sectoren"),
        "weight_sectors",
        _("per sector na de eerste"),
        lambda c: max(c.sector_count - 1, 0),
        "(CASE WHEN {sectors} > 1 THEN {sectors} - 1 ELSE 0 END)",
    ),
    Term(
        "crisis",
        _("Crisis of bedreigende situatie"),
        "weight_crisis",
        _("ja/nee"),
        lambda c: int(c.crisis or c.threatening),
        "(CASE WHEN {crisis} OR {threatening} THEN 1 ELSE 0 END)",
    ),
    Term(
        "shut_off",
        _("Afsluitsignaal"),
        "weight_shut_off",
        _("ja/nee"),
        lambda c: int(c.shut_off),
        "(CASE WHEN {shut_off} THEN 1 ELSE 0 END)",
    ),
    Term(
        "end_of_supply",
        _("Eindeleveringssignaal"),
        "weight_end_of_supply",
        _("ja/nee"),
        lambda c: int(c.end_of_supply),
        "(CASE WHEN {end_of_supply} THEN 1 ELSE 0 END)",
    ),
    Term(
        "amount",
        _("Hoogte van de achterstand"),
        "weight_amount",
        _("per volle € 100"),
        lambda c: c.total_euros // 100,
        "({euros} / 100)",
    ),
    Term(
        "age",
        _("Duur van de achterstand"),
        "weight_months",
        _("per volle 30 dagen"),
        lambda c: c.max_days_in_arrears // 30,
        "({days} / 30)",
    ),
    Term(
        "earlier",
        _("Eerder gesignaleerd (6 maanden)"),
        "weight_earlier",
        _("per eerdere zaak"),
        lambda c: c.earlier_cases,
        "({earlier})",
    ),
)


def score_sql(inputs: dict[str, str], weights: dict[str, int]) -> str:
    """The score as one SQL expression over `inputs` (integers only: safe to inline)."""
    parts = [f"{int(weights[t.weight])} * {t.sql.format(**inputs)}" for t in TERMS if weights[t.weight]]
    return "(" + (" + ".join(parts) or "0") + ")"


def score_sql_per_party(inputs: dict[str, str], party_column: str) -> str:
    """The score with each party's own weights (parties with their own settings get a branch)."""
    default = score_sql(inputs, weights_of(None))
    branches = []
    for settings in CaseSettings.objects.all():
        weights = weights_of(settings)
        if weights != weights_of(None):
            branches.append(
                f"WHEN {party_column} = {int(settings.municipal_party_id)} THEN {score_sql(inputs, weights)}"
            )
    return f"(CASE {' '.join(branches)} ELSE {default} END)" if branches else default


DEFAULTS = CaseSettings()  # the weights of a party that did not set its own


@dataclass(frozen=True)
class Line:
    label: Any
    units: int
    weight: int
    unit: Any

    @property
    def points(self) -> int:
        return self.units * self.weight


def weights_of(settings: CaseSettings | None) -> dict[str, int]:
    source = settings or DEFAULTS
    return {term.weight: int(getattr(source, term.weight)) for term in TERMS}


def breakdown(case: Case, weights: dict[str, int]) -> list[Line]:
    """The score of a case, term by term (shown on the case and in the tray's tooltip)."""
    return [Line(term.label, term.value(case), weights[term.weight], term.unit) for term in TERMS]


def score(case: Case, weights: dict[str, int]) -> int:
    return sum(line.points for line in breakdown(case, weights))


def score_expression(weights: dict[str, int]) -> Combinable:
    """The score for these weights as a Django expression over the case's columns."""
    return RawSQL(score_sql(COLUMNS, weights), [], output_field=IntegerField())  # noqa: S611 - integers only


def rescore(cases: QuerySet[Case]) -> None:
    """R18: store the score of these cases, with the weights of each one's party."""
    parties = set(cases.values_list("municipal_party_id", flat=True).distinct())
    settings = {s.municipal_party_id: s for s in CaseSettings.objects.filter(municipal_party_id__in=parties)}
    by_weights: dict[tuple[tuple[str, int], ...], list[int]] = defaultdict(list)
    for party in parties:
        by_weights[tuple(sorted(weights_of(settings.get(party)).items()))].append(party)
    for key, party_ids in by_weights.items():
        cases.filter(municipal_party_id__in=party_ids).update(score=score_expression(dict(key)))
