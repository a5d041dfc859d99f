"""R20: what a partner learns about its signals, from one whitelist, per signal and per partner."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lcv.cases import services
from lcv.cases.models import Case
from lcv.cases.outcomes import ContactKind, Outcome
from lcv.feedback.models import Event, FeedbackMessage, SignalFeedback
from lcv.feedback.whitelist import WHITELIST, Reason, Reported, reported_for

ON = date(2026, 3, 22)

# FACTS.md "Feedback to partners", written out by DDAS word: (what the partner learns, the reason)
FACTS_TABLE: dict[str, tuple[str, str] | None] = {
    "(Budget)advies en/of quick fix": ("help accepted", ""),
    "Vervolghulp en/of verwijzing financieel": ("help accepted", ""),
    "Vervolghulp en/of verwijzing niet financieel": ("help accepted", ""),
    "Verwijzing zonder contact": ("help accepted", ""),
    "Inwoner al bekend bij schuldhulpverlening": ("already in debt help", ""),
    "Niet opgepakt: onterecht signaal": ("not picked up", "onterecht signaal"),
    "Niet opgepakt: herhaalde melding": ("not picked up", "herhaalde melding"),
    "Inwoner is overleden": ("not picked up", "overleden"),
    "Persoon is geen inwoner (meer) in de gemeente": ("not picked up", "geen inwoner"),
    "Niet opgepakt: andere reden": ("not picked up", ""),
    "Definitief geen contact kunnen krijgen": None,
    "Geen reactie na eerder contact": None,
    "Inwoner hoeft geen hulp vanuit vroegsignalering": None,
    "Inwoner heeft zelf al betaald/betalingsregeling getroffen": None,
    "Inwoner heeft al een ander lopend traject": None,
}
KIND = {
    "help accepted": Reported.HELP_ACCEPTED,
    "already in debt help": Reported.DEBT_HELP,
    "not picked up": Reported.NOT_PICKED_UP,
}
REASON = {
    "": "",
    "onterecht signaal": Reason.UNJUSTIFIED,
    "herhaalde melding": Reason.REPEATED,
    "overleden": Reason.DECEASED,
    "geen inwoner": Reason.NOT_RESIDENT,
}
NOTHING = [outcome for outcome in Outcome if FACTS_TABLE[outcome.label] is None]


@pytest.mark.parametrize("outcome", list(Outcome), ids=lambda outcome: outcome.value)
def test_r20_every_ddas_outcome_has_the_row_of_the_facts_table(outcome):
    expected = FACTS_TABLE[outcome.label]
    row = reported_for(outcome)
    if expected is None:
        assert row is None
    else:
        assert row is not None
        assert (row.reported, row.reason) == (KIND[expected[0]], REASON[expected[1]])
    assert set(WHITELIST) == set(Outcome)


def three_partners(chain) -> Case:
    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1")])
    chain.deliver(chain.energy, [chain.signal(chain.energy, klantnummer="E-1")])
    chain.deliver(chain.housing, [chain.signal(chain.housing, klantnummer="H-1")])
    case = chain.open_case()
    assert case.signal_count == 3
    return case


def reach(case, chain):
    services.record_attempt(case_id=case.pk, actor=chain.handler, kind=ContactKind.PHONE, reached=True, on=ON)


def test_r20_help_accepted_is_reported_at_once_to_each_partner_about_its_own_signal(chain):
    case = three_partners(chain)
    reach(case, chain)
    assert not FeedbackMessage.objects.exists()  # a contact attempt tells the partners nothing
    services.accept_help(case_id=case.pk, actor=chain.handler, on=ON)
    messages = list(FeedbackMessage.objects.select_related("signal"))
    assert len(messages) == 3
    assert {m.partner_id for m in messages} == {chain.water.pk, chain.energy.pk, chain.housing.pk}
    for message in messages:
        assert message.event == Event.CREATED
        assert message.reported == Reported.HELP_ACCEPTED
        assert message.signal.partner_id == message.partner_id
        assert message.pause_until == ON + timedelta(days=30)
    # each partner's view holds its own signal only: nothing says that others signalled
    water = FeedbackMessage.objects.filter(partner=chain.water)
    assert [m.signal.customer_number for m in water] == ["W-1"]


@pytest.mark.parametrize("outcome", NOTHING, ids=lambda outcome: outcome.value)
def test_r20_a_nothing_outcome_never_reaches_a_partner(chain, outcome):
    case = three_partners(chain)
    if outcome == Outcome.NO_CONTACT:
        services.record_attempt(case_id=case.pk, actor=chain.handler, kind=ContactKind.PHONE, reached=False, on=ON)
    else:
        reach(case, chain)
    services.close(case_id=case.pk, actor=chain.handler, outcome=outcome)
    assert not FeedbackMessage.objects.exists()
    assert not SignalFeedback.objects.exclude(reported="").exists()


def test_r20_not_picked_up_carries_an_allowed_reason_and_other_reasons_stay_inside(chain):
    case = three_partners(chain)
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.DECEASED)
    assert set(FeedbackMessage.objects.values_list("reported", "reason")) == {(Reported.NOT_PICKED_UP, Reason.DECEASED)}
    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-9", postcode="3512AA", huisnummer="3")])
    other = chain.open_case("3512AA", 3)
    services.close(case_id=other.pk, actor=chain.handler, outcome=Outcome.OTHER_REASON)
    assert FeedbackMessage.objects.get(case=other).reason == ""
    assert FeedbackMessage.objects.get(case=other).pause_until is None


def test_r20_closing_with_help_after_help_was_reported_sends_nothing_twice(chain):
    case = three_partners(chain)
    reach(case, chain)
    services.accept_help(case_id=case.pk, actor=chain.handler, on=ON)
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.FOLLOW_UP_FINANCIAL)
    assert FeedbackMessage.objects.count() == 3


def test_r20_help_accepted_then_no_reaction_tells_the_partner_nothing_more(chain):
    case = three_partners(chain)
    reach(case, chain)
    services.accept_help(case_id=case.pk, actor=chain.handler, on=ON)
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.NO_RESPONSE)
    assert FeedbackMessage.objects.count() == 3
    assert set(FeedbackMessage.objects.values_list("reported", flat=True)) == {Reported.HELP_ACCEPTED}


def test_r20_a_correction_points_to_the_message_it_corrects(chain):
    case = three_partners(chain)
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.REPEATED)
    first = {m.signal_id: m for m in FeedbackMessage.objects.all()}
    services.reopen(case_id=case.pk, actor=chain.handler, reason="Verkeerd resultaat gekozen")
    assert FeedbackMessage.objects.count() == 3  # reopening alone tells nothing
    reach(case, chain)
    services.accept_help(case_id=case.pk, actor=chain.handler, on=ON)
    corrections = list(FeedbackMessage.objects.filter(event=Event.CORRECTED))
    assert len(corrections) == 3
    for message in corrections:
        assert message.corrects_id == first[message.signal_id].pk
        assert message.reported == Reported.HELP_ACCEPTED
        assert message.pause_until == ON + timedelta(days=30)
    # a second correction, to an outcome that reports nothing: the help message is withdrawn, and the
    # partner learns no more than that
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.ADVICE)
    assert FeedbackMessage.objects.count() == 6
    services.reopen(case_id=case.pk, actor=chain.handler, reason="Toch niet")
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.NO_HELP_WANTED)
    withdrawn = list(FeedbackMessage.objects.filter(reported=Reported.WITHDRAWN))
    assert len(withdrawn) == 3
    assert {m.corrects_id for m in withdrawn} == {m.pk for m in corrections}
    assert all(m.reason == "" and m.pause_until is None for m in withdrawn)
    assert not SignalFeedback.objects.exclude(pause_until=None).exists()


def test_r20_reopening_and_closing_with_the_same_outcome_sends_nothing(chain):
    case = three_partners(chain)
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.UNJUSTIFIED)
    services.reopen(case_id=case.pk, actor=chain.handler, reason="Per ongeluk")
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.UNJUSTIFIED)
    assert FeedbackMessage.objects.count() == 3
    assert not SignalFeedback.objects.filter(correcting=True).exists()


def test_r20_cak_signals_give_no_feedback(chain):
    from lcv.signals.models import Signal

    case = three_partners(chain)
    Signal.objects.filter(customer_number="H-1").update(partner=None, from_cak=True)
    services.close(case_id=case.pk, actor=chain.handler, outcome=Outcome.DECEASED)
    assert FeedbackMessage.objects.count() == 2


def test_r20_closing_many_cases_in_one_action_gives_their_feedback(chain):
    for number in range(1, 6):
        chain.deliver(chain.water, [chain.signal(chain.water, klantnummer=f"W-{number}", huisnummer=str(number))])
    reached = Case.objects.get(house_number=1)
    reach(reached, chain)
    services.accept_help(case_id=reached.pk, actor=chain.handler, on=ON)
    result = services.close_many(
        cases=Case.objects.filter(municipal_party=chain.utrecht), actor=chain.handler, outcome=Outcome.REPEATED
    )
    assert result.closed == 4
    assert list(result.refused) == [reached.pk]
    assert "hulp geaccepteerd" in result.refused[reached.pk]
    assert FeedbackMessage.objects.filter(reported=Reported.NOT_PICKED_UP, reason=Reason.REPEATED).count() == 4
    assert Case.objects.filter(is_open=False, outcome=Outcome.REPEATED).count() == 4
    # each signal's state row points at its message and says what it said
    for message in FeedbackMessage.objects.filter(reason=Reason.REPEATED):
        state = SignalFeedback.objects.get(signal_id=message.signal_id)
        assert (state.last_message_id, state.reported, state.reason, state.case_id) == (
            message.pk,
            Reported.NOT_PICKED_UP,
            Reason.REPEATED,
            message.case_id,
        )
        assert (state.partner_id, state.delivery_id, state.pause_until, state.correcting) == (
            chain.water.pk,
            message.delivery_id,
            None,
            False,
        )
