"""R18: the matching moment, and a priority whose breakdown sums to the score."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from lcv.cases import priority
from lcv.cases.matching import ZONE, entry_moment, matching_day
from lcv.cases.models import Case, CaseSettings
from lcv.organisations.models import Municipality
from lcv.testing.factories import municipality_organisation


def test_r18_the_matching_day_is_the_first_working_day_after_the_25th():
    assert str(matching_day(2026, 3)) == "2026-03-26"  # Thursday
    assert str(matching_day(2026, 4)) == "2026-04-28"  # 26 is a Sunday, 27 King's Day
    assert str(matching_day(2026, 12)) == "2026-12-28"  # Christmas Friday, weekend
    assert str(matching_day(2026, 7, after_day=20)) == "2026-07-21"


def test_r18_monthly_cases_enter_the_trays_on_the_matching_day(chain):
    CaseSettings.objects.filter(municipal_party=chain.utrecht).update(matching=CaseSettings.Matching.MONTHLY)
    chain.deliver(chain.water, [chain.signal(chain.water)])
    case = chain.open_case()
    assert case.enters_at == datetime(2026, 3, 26, 7, 0, tzinfo=ZONE)


def test_r18_a_party_without_settings_matches_monthly(chain):
    chain.deliver(chain.water, [chain.signal(chain.water, postcode="3701AA", huisnummer="4")])  # Zeist
    assert Case.objects.get().enters_at == datetime(2026, 3, 26, 7, 0, tzinfo=ZONE)


def test_r18_direct_matching_puts_cases_in_the_trays_at_once(chain):
    chain.deliver(chain.water, [chain.signal(chain.water)])
    case = chain.open_case()
    assert case.enters_at is not None
    assert case.enters_at <= case.opened_at


def test_r15_crisis_shut_off_end_of_supply_and_warm_transfer_enter_at_once(chain):
    CaseSettings.objects.filter(municipal_party=chain.utrecht).update(matching=CaseSettings.Matching.MONTHLY)
    chain.deliver(
        chain.water,
        [
            chain.signal(chain.water, klantnummer="W-1"),
            chain.signal(chain.water, huisnummer="14", klantnummer="W-2", crisis="ja"),
            chain.signal(chain.water, huisnummer="16", klantnummer="W-3", type="afsluiting"),
            chain.signal(chain.water, huisnummer="18", klantnummer="W-4", warme_overdracht="ja"),
        ],
    )
    chain.deliver(chain.energy, [chain.signal(chain.energy, huisnummer="20", klantnummer="E-1")])
    chain.deliver(chain.energy, [chain.signal(chain.energy, huisnummer="20", klantnummer="E-1", type="eindelevering")])
    waiting = datetime(2026, 3, 26, 7, 0, tzinfo=ZONE)
    entries = dict(Case.objects.values_list("house_number", "enters_at"))
    assert entries[12] == waiting
    for number in (14, 16, 18, 20):
        entered = entries[number]
        assert entered is not None
        assert entered < waiting, number


def test_r18_a_case_made_after_this_months_matching_day_enters_at_once():
    settings = CaseSettings(matching=CaseSettings.Matching.MONTHLY)
    late = datetime(2026, 3, 27, 9, 0, tzinfo=ZONE)
    assert entry_moment(settings, late) == late
    early = datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)
    assert entry_moment(settings, early) == datetime(2026, 3, 26, 7, 0, tzinfo=ZONE)


def test_r18_the_score_is_explained_term_by_term(chain):
    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1", bedrag="245,50", crisis="ja")])
    chain.deliver(chain.energy, [chain.signal(chain.energy, klantnummer="E-1", bedrag="400,00")])
    case = chain.open_case()
    weights = priority.weights_of(CaseSettings.objects.get(municipal_party=chain.utrecht))
    lines = {str(line.label): line for line in priority.breakdown(case, weights)}
    assert lines["Signalen"].units == 2
    assert lines["Meervoudig: meer sectoren"].units == 1
    assert lines["Crisis of bedreigende situatie"].units == 1
    assert lines["Hoogte van de achterstand"].units == 6  # € 645.50 in full hundreds
    assert case.score == sum(line.points for line in lines.values()) > 0


def test_r18_partners_weigh_equally_no_term_names_a_partner():
    fields = {term.weight for term in priority.TERMS}
    assert not any("partner" in name for name in fields)
    assert not any(f.name.startswith("weight_") and "partner" in f.name for f in CaseSettings._meta.get_fields())


class StoredScoreIsTheBreakdownSum(HypothesisTestCase):
    """The database's score (for sorting) and the breakdown (for explaining) never disagree."""

    @settings(max_examples=40, deadline=None)
    @given(
        counters=st.fixed_dictionaries(
            {
                "claim_count": st.integers(0, 30),
                "sector_count": st.integers(0, 4),
                "crisis": st.booleans(),
                "threatening": st.booleans(),
                "shut_off": st.booleans(),
                "end_of_supply": st.booleans(),
                "total_euros": st.integers(0, 200_000),
                "max_days_in_arrears": st.integers(0, 2_000),
                "earlier_cases": st.integers(0, 5),
            }
        ),
        weights=st.fixed_dictionaries({term.weight: st.integers(0, 100) for term in priority.TERMS}),
    )
    def test_r18_breakdown_sums_to_the_stored_score(self, counters, weights):
        party = municipality_organisation("0344")
        CaseSettings.objects.update_or_create(municipal_party=party, defaults=weights)
        now = datetime(2026, 3, 22, 10, tzinfo=ZONE)
        case = Case.objects.create(
            municipal_party=party,
            municipality=Municipality.objects.get(cbs_code="0344"),
            postcode="3511AB",
            house_number=1,
            opened_at=now,
            first_received_at=now,
            last_signal_at=now,
            **counters,
        )
        priority.rescore(Case.objects.filter(pk=case.pk))
        case.refresh_from_db()
        assert case.score == priority.score(case, weights)
        assert case.score == sum(line.points for line in priority.breakdown(case, weights))


def test_r18_grouping_stores_the_score_the_breakdown_explains_for_every_party(chain):
    CaseSettings.objects.filter(municipal_party=chain.utrecht).update(
        weight_claims=7, weight_amount=5, weight_sectors=0
    )
    rows = [
        chain.signal(
            chain.water,
            huisnummer=str(n),
            klantnummer=f"W-{n}",
            bedrag=f"{n * 137},00",
            crisis="ja" if n % 3 == 0 else "nee",
        )
        for n in range(1, 7)
    ]
    rows.append(chain.signal(chain.water, postcode="3701AA", huisnummer="4", klantnummer="W-Z", bedrag="999,00"))
    chain.deliver(chain.water, rows)
    chain.deliver(chain.energy, [chain.signal(chain.energy, huisnummer="2", klantnummer="E-2", type="eindelevering")])
    for case in Case.objects.select_related("municipal_party"):
        settings = CaseSettings.objects.filter(municipal_party=case.municipal_party).first()
        weights = priority.weights_of(settings)
        assert case.score == priority.score(case, weights), case.pk
    assert Case.objects.filter(municipal_party=chain.zeist).get().score == priority.score(
        Case.objects.get(municipal_party=chain.zeist), priority.weights_of(None)
    )
