"""R19: the case's work, one transition table, append-only history, contradictions refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lcv.cases import services
from lcv.cases.models import BrpStatus, Case, CaseEvent, CaseStatus, DueKind
from lcv.cases.outcomes import DEFINITIONS, HELP_ACCEPTED, NEED_REACHED_CONTACT, ContactKind, Outcome
from lcv.cases.services import CaseError
from lcv.cases.workflow import TRANSITIONS


@pytest.fixture
def case(chain) -> Case:
    chain.deliver(chain.water, [chain.signal(chain.water)])
    return chain.open_case()


def attempt(case, chain, *, kind=ContactKind.PHONE, reached=False):
    return services.record_attempt(
        case_id=case.pk, actor=chain.handler, kind=kind, reached=reached, on=date(2026, 3, 22)
    )


# EnumEindresultaat of the VNG/CBS DDAS exchange model v0.9 (json_schema_Uitwisselmodel.json)
DDAS_OUTCOMES = [
    "Niet opgepakt: herhaalde melding",
    "Niet opgepakt: onterecht signaal",
    "Inwoner is overleden",
    "Persoon is geen inwoner (meer) in de gemeente",
    "Niet opgepakt: andere reden",
    "Inwoner al bekend bij schuldhulpverlening",
    "Inwoner heeft al een ander lopend traject",
    "Definitief geen contact kunnen krijgen",
    "Geen reactie na eerder contact",
    "Inwoner hoeft geen hulp vanuit vroegsignalering",
    "Inwoner heeft zelf al betaald/betalingsregeling getroffen",
    "(Budget)advies en/of quick fix",
    "Vervolghulp en/of verwijzing financieel",
    "Verwijzing zonder contact",
    "Vervolghulp en/of verwijzing niet financieel",
]


def test_r19_outcomes_are_the_ddas_words_each_with_a_definition():
    assert sorted(o.label for o in Outcome) == sorted(DDAS_OUTCOMES)
    assert set(DEFINITIONS) == set(Outcome)


@pytest.mark.parametrize("outcome", sorted(NEED_REACHED_CONTACT))
def test_r19_an_outcome_after_a_conversation_is_refused_without_a_reached_contact(case, chain, outcome):
    attempt(case, chain, reached=False)
    with pytest.raises(CaseError, match="bereikt"):
        services.close(case_id=case.pk, actor=chain.handler, outcome=outcome)
    assert Case.objects.get(pk=case.pk).is_open


def test_r19_help_accepted_is_refused_without_a_reached_contact(case, chain):
    attempt(case, chain, reached=False)
    with pytest.raises(CaseError, match="Leg eerst de contactpoging vast"):
        services.accept_help(case_id=case.pk, actor=chain.handler)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_PROGRESS


def test_r19_no_contact_is_refused_before_any_attempt_and_after_a_reached_one(case, chain):
    with pytest.raises(CaseError, match="pas na contactpogingen"):
        services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.NO_CONTACT)
    attempt(case, chain, reached=True)
    with pytest.raises(CaseError, match="Geen reactie na eerder contact"):
        services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.NO_CONTACT)


def test_r17_not_resident_is_refused_after_a_brp_match(case, chain):
    case.persons.update(brp_status=BrpStatus.MATCHED, bsn="111222333")
    with pytest.raises(CaseError, match="BRP-controle vond de inwoner op dit adres"):
        services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.NOT_RESIDENT)


def test_r19_not_picked_up_is_refused_once_help_was_accepted(case, chain):
    attempt(case, chain, kind=ContactKind.HOME_VISIT, reached=True)
    services.accept_help(case_id=case.pk, actor=chain.handler)
    with pytest.raises(CaseError, match="hulp geaccepteerd"):
        services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.UNJUSTIFIED)


def test_r19_the_journey_help_accepted_starts_the_eight_week_plan_term(case, chain):
    assert case.due_kind == DueKind.FIRST_ACTION
    attempt(case, chain, kind=ContactKind.PHONE, reached=False)
    case.refresh_from_db()
    assert (case.status, case.due_on) == (CaseStatus.IN_PROGRESS, None)
    attempt(case, chain, kind=ContactKind.HOME_VISIT, reached=True)
    services.accept_help(case_id=case.pk, actor=chain.handler, on=date(2026, 3, 23))
    case.refresh_from_db()
    assert (case.status, case.due_kind, case.due_on) == (CaseStatus.HELP_ACCEPTED, DueKind.PLAN, date(2026, 5, 18))
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.FOLLOW_UP_FINANCIAL)
    case.refresh_from_db()
    assert (case.status, case.is_open, case.due_on) == (CaseStatus.CLOSED, False, None)
    assert Outcome.FOLLOW_UP_FINANCIAL in HELP_ACCEPTED
    assert list(case.events.values_list("event", flat=True)) == ["opened", "attempt", "attempt", "accept_help", "close"]


def test_r19_a_closed_case_takes_no_more_work_until_reopened(case, chain):
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.UNJUSTIFIED)
    with pytest.raises(CaseError):
        attempt(case, chain)
    with pytest.raises(CaseError, match="al afgesloten"):
        services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.UNJUSTIFIED)
    services.reopen(case_id=case.pk, actor=chain.handler, reason="verkeerd resultaat gekozen")
    case.refresh_from_db()
    assert (case.status, case.is_open, case.outcome) == (CaseStatus.IN_PROGRESS, True, "")


def test_r19_reopening_is_refused_when_a_newer_case_at_the_address_is_open(case, chain):
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.UNJUSTIFIED)
    chain.deliver(chain.energy, [chain.signal(chain.energy, klantnummer="E-9")])
    with pytest.raises(CaseError, match="nieuwere zaak"):
        services.reopen(case_id=case.pk, actor=chain.handler, reason="correctie")
    assert not Case.objects.get(pk=case.pk).is_open


def test_r15_marking_a_threatening_situation_gives_three_working_days(case, chain):
    services.mark_threatening(case_id=case.pk, actor=chain.handler)
    case.refresh_from_db()
    assert case.due_kind == DueKind.URGENT
    assert case.due_on == date(2026, 3, 25)  # Sunday 22 March + 3 working days


def test_r19_a_contact_attempt_cannot_lie_in_the_future(case, chain):
    with pytest.raises(CaseError, match="toekomst"):
        services.record_attempt(
            case_id=case.pk,
            actor=chain.handler,
            kind=ContactKind.PHONE,
            reached=False,
            on=timezone.localdate() + timedelta(days=1),
        )


def test_r19_the_history_is_append_only_and_every_transition_is_in_the_table(case, chain):
    attempt(case, chain)
    steps = list(CaseEvent.objects.filter(case=case).exclude(event__in=["opened", "updated", "news"]))
    for step in steps:
        assert TRANSITIONS[step.event][step.from_status] == step.to_status
    first = list(CaseEvent.objects.filter(case=case).values_list("pk", "event", "at"))
    services.add_note(case_id=case.pk, actor=chain.handler, text="gebeld, voicemail")
    assert list(CaseEvent.objects.filter(case=case).values_list("pk", "event", "at"))[: len(first)] == first
