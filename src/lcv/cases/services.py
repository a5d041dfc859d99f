"""The handler's work on a case (R19): every write goes through here, one function per event of
the status machine (workflow.py), under a row lock, with a history row. Contradictory
registrations are refused with a Dutch message that says what to do instead."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lcv.audit.services import record
from lcv.cases import deadlines, hooks, priority
from lcv.cases.models import BrpStatus, Case, CaseEvent, CaseNote, CasePerson, CaseSettings, CaseStatus, ContactAttempt
from lcv.cases.outcomes import NEED_REACHED_CONTACT, NOT_PICKED_UP, ContactKind, Outcome, PartOfDay
from lcv.cases.workflow import CLOSED, next_status
from lcv.core.timing import Steps
from lcv.organisations.models import Organisation

logger = logging.getLogger("lcv.cases")


class CaseError(ValueError):
    """A refused step, with the Dutch message for the handler."""


@dataclass(frozen=True)
class Step:
    case: Case
    event: CaseEvent


def _locked(case_id: int) -> Case:
    return Case.objects.select_for_update(of=("self",)).get(pk=case_id)


def _step(case: Case, *, event: str, actor: Any, detail: str = "", save: list[str] | None = None) -> Step:
    to = next_status(event, case.status)
    if to is None:
        raise CaseError(
            _("Dit kan niet bij een zaak met status '%(status)s'.") % {"status": CaseStatus(case.status).label}
        )
    before = case.status
    case.status = to
    case.due_on, case.due_kind = deadlines.due_of(case)
    fields = {"status", "due_on", "due_kind", *(save or [])}
    case.save(update_fields=sorted(fields))
    row = CaseEvent.objects.create(
        case=case, at=timezone.now(), actor=actor, event=event, from_status=before, to_status=to, detail=detail[:300]
    )
    return Step(case, row)


def _rescore(case: Case) -> None:
    settings = CaseSettings.objects.filter(municipal_party_id=case.municipal_party_id).first()
    case.score = priority.score(case, priority.weights_of(settings))
    Case.objects.filter(pk=case.pk).update(score=case.score)


@transaction.atomic
def assign(*, case_id: int, handler: Any, actor: Any) -> Step:
    """R19: a handler takes the case, or gives it to a colleague (the caller checked who may)."""
    case = _locked(case_id)
    case.handler = handler
    return _step(case, event="assign", actor=actor, detail=handler.full_name, save=["handler"])


@transaction.atomic
def record_attempt(
    *, case_id: int, actor: Any, kind: str, reached: bool, on: date, part_of_day: str = "", note: str = ""
) -> Step:
    """R19: a contact attempt in DDAS terms. The first one is the offer of help: the offer's
    deadline stops running."""
    ContactKind(kind)
    if part_of_day:
        PartOfDay(part_of_day)
    if on > timezone.localdate():
        raise CaseError(_("De datum van de contactpoging ligt in de toekomst; vul de dag in waarop u het contact had."))
    case = _locked(case_id)
    ContactAttempt.objects.create(
        case=case, kind=kind, reached=reached, on=on, part_of_day=part_of_day, note=note, recorded_by=actor
    )
    save = []
    if case.first_action_at is None:
        case.first_action_at = timezone.now()
        save.append("first_action_at")
    if case.handler_id is None:
        case.handler = actor
        save.append("handler")
    label = ContactKind(kind).label + (" — " + (_("bereikt") if reached else _("niet bereikt")))
    return _step(case, event="attempt", actor=actor, detail=label, save=save)


@transaction.atomic
def add_note(*, case_id: int, actor: Any, text: str) -> Step:
    case = _locked(case_id)
    text = text.strip()
    if not text:
        raise CaseError(_("De notitie is leeg; schrijf eerst iets op."))
    CaseNote.objects.create(case=case, text=text, written_by=actor)
    return _step(case, event="note", actor=actor)


@transaction.atomic
def mark_threatening(*, case_id: int, actor: Any) -> Step:
    """R15: the handler judges the situation threatening: help within 3 working days from now."""
    case = _locked(case_id)
    if case.threatening:
        raise CaseError(_("Deze zaak is al als bedreigende situatie gemarkeerd."))
    case.threatening = True
    now = timezone.now()
    if case.urgent_since is None or case.urgent_since > now:
        case.urgent_since = now
    step = _step(case, event="threatening", actor=actor, save=["threatening", "urgent_since"])
    _rescore(case)
    return step


def _reached(case: Case) -> bool:
    return case.attempts.filter(reached=True).exists()


def _contradictions(outcome: str) -> list[tuple[Q, str]]:
    """R19, §6 consistent registration: for this outcome, the conditions on a case under which its
    own record contradicts it, each with the Dutch message that says what to do instead. One list
    serves a single closing and a closing of many cases at once."""
    label = Outcome(outcome).label
    reached = Exists(ContactAttempt.objects.filter(case=OuterRef("pk"), reached=True))
    rules: list[tuple[Q, str]] = []
    if outcome in NEED_REACHED_CONTACT:
        rules.append(
            (
                ~Q(reached),
                _(
                    "'%(outcome)s' kan alleen als de inwoner is bereikt. Leg eerst de contactpoging vast waarin u "
                    "de inwoner sprak (vink 'bereikt' aan)."
                )
                % {"outcome": label},
            )
        )
    if outcome == Outcome.NO_CONTACT:
        rules.append(
            (
                ~Q(Exists(ContactAttempt.objects.filter(case=OuterRef("pk")))),
                _("'%(outcome)s' kan pas na contactpogingen. Leg eerst vast wanneer en hoe u het probeerde.")
                % {"outcome": label},
            )
        )
        rules.append(
            (
                Q(reached),
                _(
                    "Er is al contact geweest met de inwoner, dus '%(outcome)s' klopt niet. "
                    "Kies bijvoorbeeld 'Geen reactie na eerder contact'."
                )
                % {"outcome": label},
            )
        )
    if outcome == Outcome.NOT_RESIDENT:
        rules.append(
            (
                Q(Exists(CasePerson.objects.filter(case=OuterRef("pk"), brp_status=BrpStatus.MATCHED))),
                _(
                    "De BRP-controle vond de inwoner op dit adres, dus '%(outcome)s' klopt niet. "
                    "Is de inwoner inmiddels verhuisd? Doe de BRP-controle dan opnieuw."
                )
                % {"outcome": label},
            )
        )
    if outcome in NOT_PICKED_UP:
        rules.append(
            (
                Q(status=CaseStatus.HELP_ACCEPTED),
                _("De inwoner heeft hulp geaccepteerd, dus '%(outcome)s' past niet meer bij deze zaak.")
                % {"outcome": label},
            )
        )
    return rules


def check_outcome(case: Case, outcome: str) -> None:
    """Refuse an outcome the case's own record contradicts (the first contradiction found)."""
    for condition, message in _contradictions(outcome):
        if Case.objects.filter(pk=case.pk).filter(condition).exists():
            raise CaseError(message)


@transaction.atomic
def accept_help(*, case_id: int, actor: Any, on: date | None = None) -> Step:
    """R19, R20: the resident accepted help; the 8-week term for a plan starts (FAQ 39)."""
    case = _locked(case_id)
    if not _reached(case):
        raise CaseError(
            _(
                "Hulp geaccepteerd kan alleen als de inwoner is bereikt. Leg eerst de contactpoging vast "
                "waarin u de inwoner sprak (vink 'bereikt' aan)."
            )
        )
    case.help_accepted_on = on or timezone.localdate()
    if case.handler_id is None:
        case.handler = actor
    step = _step(case, event="accept_help", actor=actor, save=["help_accepted_on", "handler"])
    hooks.outcome_changed.send(sender=Case, case_ids=[case.pk], event="accept_help")
    return step


@transaction.atomic
def close(*, case_id: int, actor: Any, outcome: str) -> Step:
    """R19: close with a DDAS outcome, after checking it against the case's record."""
    case = _locked(case_id)
    if next_status("close", case.status) is None:
        raise CaseError(_("Deze zaak is al afgesloten."))
    check_outcome(case, outcome)
    case.outcome = outcome
    case.is_open = False
    case.closed_at = timezone.now()
    step = _step(
        case, event="close", actor=actor, detail=str(Outcome(outcome).label), save=["outcome", "is_open", "closed_at"]
    )
    record(
        action="cases.closed",
        actor=actor,
        organisation=case.municipal_party,
        obj=case,
        details={"outcome": outcome},
    )
    hooks.outcome_changed.send(sender=Case, case_ids=[case.pk], event="close")
    return step


@dataclass
class ClosedMany:
    closed: int = 0
    refused: dict[int, str] = field(default_factory=dict)  # case id -> why it stayed open


@transaction.atomic
def close_many(*, cases: QuerySet[Case], actor: Any, outcome: str) -> ClosedMany:
    """R19: close many cases with one outcome in one action (for example a month's repeated
    signals), set-based: a fixed number of statements whatever the number of cases. A case whose own
    record contradicts the outcome stays open and is listed with the reason; a closed one is skipped."""
    label = str(Outcome(outcome).label)
    steps = Steps()
    candidates = Case.objects.filter(pk__in=cases.values("pk"), is_open=True)
    with steps.step("lock"):
        list(candidates.select_for_update(of=("self",)).values_list("pk", flat=True))
    result = ClosedMany()
    closing = candidates
    with steps.step("checks"):
        for condition, message in _contradictions(outcome):
            for pk in candidates.filter(condition).values_list("pk", flat=True):
                result.refused.setdefault(pk, message)
            closing = closing.exclude(condition)
        rows = list(closing.values_list("pk", "status", "municipal_party_id"))
    if not rows:
        return result
    now = timezone.now()
    ids = [pk for pk, _status, _party in rows]
    step = 50_000 if connection.vendor == "postgresql" else 5000  # SQLite limits a statement's parameters
    with steps.step("close"):
        for start in range(0, len(ids), step):
            Case.objects.filter(pk__in=ids[start : start + step]).update(
                outcome=outcome, is_open=False, closed_at=now, status=CLOSED, due_on=None, due_kind=""
            )
    with steps.step("history"):
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case_id=pk, at=now, actor=actor, event="close", from_status=status, to_status=CLOSED, detail=label
                )
                for pk, status, _party in rows
            ],
            batch_size=5000,
        )
        for party_id in sorted({party for _pk, _status, party in rows}):
            record(
                action="cases.closed_many",
                actor=actor,
                organisation=Organisation.objects.get(pk=party_id),
                details={"outcome": outcome, "count": sum(1 for row in rows if row[2] == party_id)},
            )
    with steps.step("hooks"):
        hooks.outcome_changed.send(sender=Case, case_ids=ids, event="close")
    logger.info("closed %d cases in one action, %d refused (%s)", len(ids), len(result.refused), steps)
    result.closed = len(ids)
    return result


@transaction.atomic
def reopen(*, case_id: int, actor: Any, reason: str) -> Step:
    """Correct a wrongly chosen outcome: the case opens again (unless a newer case at the address is
    open: then the correction belongs there)."""
    case = _locked(case_id)
    if case.status != CLOSED:
        raise CaseError(_("Deze zaak is niet afgesloten."))
    if not reason.strip():
        raise CaseError(_("Schrijf op waarom u de zaak heropent."))
    previous = case.outcome
    case.outcome = ""
    case.is_open = True
    case.closed_at = None
    try:
        with transaction.atomic():
            step = _step(case, event="reopen", actor=actor, detail=reason, save=["outcome", "is_open", "closed_at"])
    except IntegrityError as error:
        raise CaseError(_("Op dit adres loopt al een nieuwere zaak. Leg de correctie in die zaak vast.")) from error
    record(action="cases.reopened", actor=actor, organisation=case.municipal_party, obj=case, details={"was": previous})
    hooks.outcome_changed.send(sender=Case, case_ids=[case.pk], event="reopen")
    return step


@transaction.atomic
def resolve_person(
    *, case_id: int, person_id: int, actor: Any, bsn: str = "", not_resident: bool = False, by_hand: bool = False
) -> Step:
    """R17, the mismatch tray: the handler picks the person the BRP returned, judges by hand that
    the person lives here (no BSN), or confirms that the signalled person does not live here
    (which proposes the outcome "geen inwoner")."""
    case = _locked(case_id)
    person = CasePerson.objects.select_for_update().get(pk=person_id, case=case)
    if not_resident:
        person.brp_status = BrpStatus.NOT_RESIDENT
        case.proposed_outcome = Outcome.NOT_RESIDENT
        detail = _("woont niet op dit adres")
    elif by_hand:
        person.brp_status = BrpStatus.MANUAL
        detail = _("woont hier volgens de behandelaar")
    else:
        if not bsn:
            raise CaseError(_("Kies de persoon uit de BRP, of bevestig dat de persoon hier niet woont."))
        person.bsn = bsn
        person.brp_status = BrpStatus.MATCHED
        detail = _("persoon gekozen")
    person.save(update_fields=["brp_status", "bsn"])
    if not case.persons.filter(brp_status__in=[BrpStatus.MISMATCH, BrpStatus.PENDING, BrpStatus.RETRYING]).exists():
        case.brp_status = BrpStatus.MANUAL
    return _step(case, event="brp_resolved", actor=actor, detail=str(detail), save=["brp_status", "proposed_outcome"])
