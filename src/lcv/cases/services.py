"""The handler's work on a case (R19): every write goes through here, one function per event of
the status machine (workflow.py), under a row lock, with a history row. Contradictory
registrations are refused with a Dutch message that says what to do instead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lcv.audit.services import record
from lcv.cases import deadlines, priority
from lcv.cases.models import BrpStatus, Case, CaseEvent, CaseNote, CasePerson, CaseSettings, CaseStatus, ContactAttempt
from lcv.cases.outcomes import NEED_REACHED_CONTACT, NOT_PICKED_UP, ContactKind, Outcome, PartOfDay
from lcv.cases.workflow import CLOSED, next_status


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


def check_outcome(case: Case, outcome: str) -> None:
    """R19, §6 consistent registration: refuse an outcome the case's own record contradicts."""
    label = Outcome(outcome).label
    if outcome in NEED_REACHED_CONTACT and not _reached(case):
        raise CaseError(
            _(
                "'%(outcome)s' kan alleen als de inwoner is bereikt. Leg eerst de contactpoging vast waarin u "
                "de inwoner sprak (vink 'bereikt' aan)."
            )
            % {"outcome": label}
        )
    if outcome == Outcome.NO_CONTACT:
        if not case.attempts.exists():
            raise CaseError(
                _("'%(outcome)s' kan pas na contactpogingen. Leg eerst vast wanneer en hoe u het probeerde.")
                % {"outcome": label}
            )
        if _reached(case):
            raise CaseError(
                _(
                    "Er is al contact geweest met de inwoner, dus '%(outcome)s' klopt niet. "
                    "Kies bijvoorbeeld 'Geen reactie na eerder contact'."
                )
                % {"outcome": label}
            )
    if outcome == Outcome.NOT_RESIDENT and case.persons.filter(brp_status=BrpStatus.MATCHED).exists():
        raise CaseError(
            _(
                "De BRP-controle vond de inwoner op dit adres, dus '%(outcome)s' klopt niet. "
                "Is de inwoner inmiddels verhuisd? Doe de BRP-controle dan opnieuw."
            )
            % {"outcome": label}
        )
    if case.status == CaseStatus.HELP_ACCEPTED and outcome in NOT_PICKED_UP:
        raise CaseError(
            _("De inwoner heeft hulp geaccepteerd, dus '%(outcome)s' past niet meer bij deze zaak.")
            % {"outcome": label}
        )


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
    return _step(case, event="accept_help", actor=actor, save=["help_accepted_on", "handler"])


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
    return step


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
