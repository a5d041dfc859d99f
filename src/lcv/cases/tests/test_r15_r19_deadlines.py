"""R15, R19: one deadline calculation on the working-day calendar, across Easter, King's Day and
Christmas."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from lcv.cases import deadlines
from lcv.cases.models import CaseStatus, DueKind

ZONE = ZoneInfo("Europe/Amsterdam")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # four weeks ending on a working day stay
        (date(2026, 3, 4), date(2026, 4, 1)),
        # 2027: four weeks after 1 March end on Easter Monday 29 March -> Tuesday 30 March
        (date(2027, 3, 1), date(2027, 3, 30)),
        # 2026: four weeks after 30 March end on King's Day, Monday 27 April -> Tuesday 28 April
        (date(2026, 3, 30), date(2026, 4, 28)),
        # four weeks after 27 November 2026 end on Christmas Day (Friday) -> Monday 28 December
        (date(2026, 11, 27), date(2026, 12, 28)),
        # ending on a Saturday -> Monday
        (date(2026, 5, 2), date(2026, 6, 1)),
    ],
)
def test_r19_offer_of_help_within_four_weeks_of_receipt(received, due):
    assert deadlines.offer_due(received) == due
    assert deadlines.due(
        status=CaseStatus.NEW,
        first_received_at=at(received),
        urgent_since=None,
        first_action_at=None,
        help_accepted_on=None,
    ) == (due, DueKind.FIRST_ACTION)


@pytest.mark.parametrize(
    ("since", "due"),
    [
        (date(2026, 3, 4), date(2026, 3, 9)),  # Wednesday -> Monday (weekend not counted)
        # Thursday 25 March 2027: Good Friday and Easter Monday do not count -> 30, 31 March, 1 April
        (date(2027, 3, 25), date(2027, 4, 1)),
        # Friday 24 April 2026: Monday 27 April is King's Day -> 28, 29, 30
        (date(2026, 4, 24), date(2026, 4, 30)),
        # Wednesday 23 December 2026: Christmas Friday and Boxing Day Saturday -> 24, 28, 29
        (date(2026, 12, 23), date(2026, 12, 29)),
    ],
)
def test_r15_crisis_and_shut_off_within_three_working_days(since, due):
    assert deadlines.urgent_due(since) == due
    assert deadlines.due(
        status=CaseStatus.NEW,
        first_received_at=at(since),
        urgent_since=at(since),
        first_action_at=None,
        help_accepted_on=None,
    ) == (due, DueKind.URGENT)


@pytest.mark.parametrize(
    ("accepted", "due"),
    [
        (date(2026, 3, 2), date(2026, 4, 27 + 1)),  # 8 weeks: King's Day Monday 27 April -> 28 April
        (date(2026, 10, 30), date(2026, 12, 28)),  # 8 weeks: Christmas Day Friday 25 December -> Monday 28
        (date(2027, 2, 1), date(2027, 3, 29 + 1)),  # 8 weeks: Easter Monday 29 March 2027 -> 30 March
    ],
)
def test_r19_a_plan_within_eight_weeks_after_help_was_accepted(accepted, due):
    assert deadlines.plan_due(accepted) == due
    assert deadlines.due(
        status=CaseStatus.HELP_ACCEPTED,
        first_received_at=at(date(2026, 1, 5)),
        urgent_since=None,
        first_action_at=at(date(2026, 1, 6)),
        help_accepted_on=accepted,
    ) == (due, DueKind.PLAN)


def test_r19_the_first_contact_attempt_is_the_offer_and_stops_its_deadline():
    assert deadlines.due(
        status=CaseStatus.IN_PROGRESS,
        first_received_at=at(date(2026, 3, 2)),
        urgent_since=at(date(2026, 3, 2)),
        first_action_at=at(date(2026, 3, 3)),
        help_accepted_on=None,
    ) == (None, "")


def test_r19_a_closed_case_has_no_deadline():
    assert deadlines.due(
        status=CaseStatus.CLOSED,
        first_received_at=at(date(2026, 3, 2)),
        urgent_since=None,
        first_action_at=None,
        help_accepted_on=None,
    ) == (None, "")


def test_r15_the_urgent_term_counts_only_when_it_ends_before_the_offer_term():
    # the crisis signal came three and a half weeks after the first signal: its 3 working days end
    # after the 4 weeks of the first, which stay the deadline
    first = date(2026, 3, 2)
    assert deadlines.due(
        status=CaseStatus.NEW,
        first_received_at=at(first),
        urgent_since=at(date(2026, 3, 27)),
        first_action_at=None,
        help_accepted_on=None,
    ) == (date(2026, 3, 30), DueKind.FIRST_ACTION)


def test_r15_deadlines_are_stored_on_the_case_by_grouping(chain):
    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1")])
    chain.deliver(chain.water, [chain.signal(chain.water, postcode="3512AA", huisnummer="5", type="afsluiting")])
    normal, urgent = chain.open_case(), chain.open_case("3512AA", 5)
    received = chain_day = normal.first_received_at.astimezone(ZONE).date()
    assert chain_day == date(2026, 3, 22)  # a Sunday
    assert (normal.due_on, normal.due_kind) == (deadlines.offer_due(received), DueKind.FIRST_ACTION)
    assert (urgent.due_on, urgent.due_kind) == (date(2026, 3, 25), DueKind.URGENT)


def test_r15_r19_the_set_based_refresh_stores_what_the_one_calculation_says(chain):
    from datetime import timedelta

    from lcv.cases import services
    from lcv.cases.models import Case
    from lcv.cases.outcomes import ContactKind

    rows = [chain.signal(chain.water, huisnummer=str(n), klantnummer=f"W-{n}") for n in range(1, 7)]
    rows[1]["crisis"] = "ja"
    rows[2]["type"] = "afsluiting"
    chain.deliver(chain.water, rows)
    cases = list(Case.objects.order_by("house_number"))
    for case in cases:  # set when grouping made them, from the household's figures
        assert (case.due_on, case.due_kind) == deadlines.due_of(case), case.house_number
    services.record_attempt(
        case_id=cases[3].pk, actor=chain.handler, kind=ContactKind.PHONE, reached=True, on=date(2026, 3, 22)
    )
    services.accept_help(case_id=cases[3].pk, actor=chain.handler, on=date(2026, 3, 22))
    services.record_attempt(
        case_id=cases[4].pk, actor=chain.handler, kind=ContactKind.LETTER, reached=False, on=date(2026, 3, 22)
    )
    # a crisis signal that came 25 days after the first: its 3 working days end after the 4 weeks
    Case.objects.filter(pk=cases[5].pk).update(urgent_since=cases[5].first_received_at + timedelta(days=25))
    Case.objects.update(due_on=None, due_kind="")
    deadlines.refresh(Case.objects.all())
    for case in Case.objects.all():
        assert (case.due_on, case.due_kind) == deadlines.due_of(case), case.house_number
    kinds = sorted(Case.objects.values_list("due_kind", flat=True))
    assert kinds == ["", "first_action", "first_action", "plan", "urgent", "urgent"]
