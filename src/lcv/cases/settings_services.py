"""The municipal party's own settings of case handling, set by its contact: the matching moment
(R18), the BRP check (R17) and the weights of the priority (R18, FAQ 32), with a preview of what
new weights do to its open cases before they are saved.

Every write is one transaction with an audit event ("cases.settings_changed")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from lcv.audit.services import record
from lcv.cases import priority
from lcv.cases.models import Case, CaseSettings
from lcv.organisations.models import Organisation, OrganisationKind

MUNICIPAL_KINDS = (OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_ARRANGEMENT)
WEIGHT_FIELDS = tuple(term.weight for term in priority.TERMS)
WEIGHT_MIN, WEIGHT_MAX = 0, 100
PREVIEW_SIZE = 20
MATCHING_DAY_MIN, MATCHING_DAY_MAX = 1, 28


def is_municipal_party(organisation: Organisation) -> bool:
    return organisation.kind in MUNICIPAL_KINDS


def settings_of(party: Organisation) -> CaseSettings:
    """The party's settings, or the defaults (not stored) when it never changed them."""
    found = CaseSettings.objects.filter(municipal_party=party).first()
    return found or CaseSettings(municipal_party=party)


def _stored(party: Organisation) -> CaseSettings:
    settings, _created = CaseSettings.objects.select_for_update().get_or_create(municipal_party=party)
    return settings


def open_cases(party: Organisation) -> Any:
    return Case.objects.filter(municipal_party=party, is_open=True)


@transaction.atomic
def update_matching(*, party: Organisation, actor: Any, matching: str, matching_day: int, brp_check: bool) -> None:
    """R18 matching moment and R17 BRP check. Switching to "direct" lets the cases that wait for
    this month's matching moment into the trays now; switching to monthly applies to new cases
    (cases already in the trays stay there)."""
    CaseSettings.Matching(matching)
    if not MATCHING_DAY_MIN <= matching_day <= MATCHING_DAY_MAX:
        raise ValueError("matching day out of bounds")
    settings = _stored(party)
    before = {"matching": settings.matching, "matching_day": settings.matching_day, "brp_check": settings.brp_check}
    settings.matching, settings.matching_day, settings.brp_check = matching, matching_day, brp_check
    settings.save(update_fields=["matching", "matching_day", "brp_check"])
    now = timezone.now()
    if matching == CaseSettings.Matching.DIRECT:
        open_cases(party).filter(Q(enters_at__isnull=True) | Q(enters_at__gt=now)).update(enters_at=now)
    after = {"matching": matching, "matching_day": matching_day, "brp_check": brp_check}
    changed = {key: value for key, value in after.items() if before[key] != value}
    record(action="cases.settings_changed", actor=actor, organisation=party, details={"changed": changed})


@transaction.atomic
def update_weights(*, party: Organisation, actor: Any, weights: dict[str, int]) -> int:
    """R18: store the party's priority weights and score its open cases again with them.
    Partners weigh equally (FAQ 32): there is no weight per partner. Returns the cases rescored."""
    _check_weights(weights)
    settings = _stored(party)
    before = priority.weights_of(settings)
    for field in WEIGHT_FIELDS:
        setattr(settings, field, weights[field])
    settings.save(update_fields=list(WEIGHT_FIELDS))
    cases = open_cases(party)
    priority.rescore(cases)
    changed = {field: [before[field], weights[field]] for field in WEIGHT_FIELDS if before[field] != weights[field]}
    record(action="cases.settings_changed", actor=actor, organisation=party, details={"weights": changed})
    return cases.count()


def _check_weights(weights: dict[str, int]) -> None:
    if set(weights) != set(WEIGHT_FIELDS):
        raise ValueError("every weight, and only those")
    if any(not WEIGHT_MIN <= value <= WEIGHT_MAX for value in weights.values()):
        raise ValueError("weight out of bounds")


@dataclass(frozen=True)
class PreviewRow:
    case_id: int
    postcode: str
    house_number: int
    addition: str
    old_score: int
    new_score: int
    old_rank: int
    new_rank: int

    @property
    def moved(self) -> int:
        """Places up (positive) or down (negative)."""
        return self.old_rank - self.new_rank


@dataclass(frozen=True)
class Preview:
    rows: list[PreviewRow]
    total: int  # open cases of the party
    moved: int  # of which this many change place


def preview_weights(party: Organisation, weights: dict[str, int]) -> Preview:
    """R18: what new weights would do to the party's open cases, computed in the database: the
    first PREVIEW_SIZE by the new score with their place now, and how many cases change place.
    Places are by score (highest first), ties by case number. Nothing is stored."""
    _check_weights(weights)
    ranked = open_cases(party).annotate(
        new_score=priority.score_expression(weights),
    )
    ranked = ranked.annotate(
        old_rank=Window(RowNumber(), order_by=[F("score").desc(), F("pk").asc()]),
        new_rank=Window(RowNumber(), order_by=[F("new_score").desc(), F("pk").asc()]),
    )
    fields = ("pk", "postcode", "house_number", "house_number_addition", "score", "new_score", "old_rank", "new_rank")
    top = [PreviewRow(*values) for values in ranked.order_by("new_rank").values_list(*fields)[:PREVIEW_SIZE]]
    moved = ranked.exclude(old_rank=F("new_rank")).count()
    return Preview(rows=top, total=open_cases(party).count(), moved=moved)
