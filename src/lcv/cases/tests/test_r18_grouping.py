"""R18: admitted signals are grouped into cases per household, set-based, idempotently."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lcv.cases import services
from lcv.cases.grouping import group_deliveries, ungrouped_deliveries
from lcv.cases.models import Case, CaseEvent, CaseSignal
from lcv.cases.outcomes import Outcome
from lcv.signals.models import Signal


def test_r18_signals_for_one_address_form_one_case_with_their_persons(chain):
    chain.deliver(chain.water, [chain.signal(chain.water, achternaam="Berg", geboortedatum="14-03-1981")])
    chain.deliver(
        chain.energy,
        [
            chain.signal(chain.energy, achternaam="berg ", geboortedatum="14-03-1981", klantnummer="E-1"),
            chain.signal(
                chain.energy, achternaam="Berg", geboortedatum="02-02-2004", voorletters="T.", klantnummer="E-2"
            ),
        ],
    )
    case = Case.objects.get()
    assert case.municipal_party == chain.utrecht
    assert (case.signal_count, case.claim_count, case.sector_count) == (3, 3, 2)
    assert case.has_water
    assert case.has_energy
    assert not case.has_housing
    # the same surname and birth date is one person; another birth date another
    assert sorted(p.birth_key for p in case.persons.all()) == ["1981-03-14", "2004-02-02"]
    assert CaseSignal.objects.filter(case=case, person__isnull=True).count() == 0


def test_r18_the_addition_is_compared_normalised_and_other_additions_are_other_households(chain):
    chain.deliver(
        chain.water,
        [
            chain.signal(chain.water, toevoeging="5 bis", klantnummer="W-1"),
            chain.signal(chain.water, toevoeging="5-BIS", klantnummer="W-2"),
            chain.signal(chain.water, toevoeging="A", klantnummer="W-3"),
        ],
    )
    assert sorted(Case.objects.values_list("addition_key", "signal_count")) == [("5BIS", 2), ("A", 1)]


def test_r18_each_municipal_party_gets_its_own_cases(chain):
    chain.deliver(
        chain.water, [chain.signal(chain.water), chain.signal(chain.water, postcode="3701AA", huisnummer="4")]
    )
    assert sorted(Case.objects.values_list("municipal_party__name", flat=True)) == sorted(
        [chain.utrecht.name, chain.zeist.name]
    )


def test_r18_grouping_twice_changes_nothing(chain):
    delivery = chain.deliver(chain.water, [chain.signal(chain.water), chain.signal(chain.water, huisnummer="14")])
    before = list(Case.objects.values_list("pk", "signal_count", "score", "due_on", "tray_id", "enters_at"))
    events = CaseEvent.objects.count()
    again = group_deliveries([delivery.pk])
    assert (again.new_cases, again.linked) == (0, 0)
    assert list(Case.objects.values_list("pk", "signal_count", "score", "due_on", "tray_id", "enters_at")) == before
    assert CaseEvent.objects.count() == events
    assert ungrouped_deliveries() == []


def test_r18_a_processed_delivery_not_grouped_yet_is_found_by_the_sweep(chain):
    delivery = chain.deliver(chain.water, [chain.signal(chain.water)], group=False)
    assert ungrouped_deliveries() == [delivery.pk]
    group_deliveries(ungrouped_deliveries())
    assert Case.objects.count() == 1
    assert ungrouped_deliveries() == []


def test_r18_a_closed_case_stays_closed_and_the_next_signal_opens_a_case_that_links_back(chain):
    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1")])
    first = chain.open_case()
    services.close(case_id=first.pk, actor=chain.handler, outcome=Outcome.UNJUSTIFIED)
    chain.deliver(chain.energy, [chain.signal(chain.energy, klantnummer="E-1")])
    second = chain.open_case()
    assert second.pk != first.pk
    assert second.earlier_cases == 1
    assert Case.objects.get(pk=first.pk).signal_count == 1


def test_r18_earlier_cases_count_only_the_past_six_months(chain):
    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1")])
    first = chain.open_case()
    services.close(case_id=first.pk, actor=chain.handler, outcome=Outcome.UNJUSTIFIED)
    Case.objects.filter(pk=first.pk).update(closed_at=timezone.now() - timedelta(days=200))
    chain.deliver(chain.energy, [chain.signal(chain.energy, klantnummer="E-1")])
    assert chain.open_case().earlier_cases == 0


def test_r18_a_repeat_with_an_amount_not_higher_updates_quietly(chain):
    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1", bedrag="245,50")])
    chain.deliver(
        chain.water, [chain.signal(chain.water, klantnummer="W-1", bedrag="200,00", achterstand_sinds="01-02-2026")]
    )
    case = chain.open_case()
    assert case.signal_count == 2
    assert case.claim_count == 1
    assert not case.has_news
    assert list(case.events.values_list("event", flat=True)) == ["opened", "updated"]
    assert case.total_euros == 246  # the claim counts once, at its highest amount


@pytest.mark.parametrize(
    "second",
    [
        pytest.param({"klantnummer": "W-1", "bedrag": "300,00", "achterstand_sinds": "01-02-2026"}, id="higher amount"),
        pytest.param({"partner": "energy", "klantnummer": "E-1"}, id="another sector"),
        pytest.param({"klantnummer": "W-1", "bedrag": "100,00", "type": "afsluiting"}, id="shut-off"),
    ],
)
def test_r18_a_higher_amount_another_sector_or_a_shut_off_is_news_for_the_handler(chain, second):
    chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1", bedrag="245,50")])
    partner = getattr(chain, second.pop("partner", "water"))
    chain.deliver(partner, [chain.signal(partner, **second)])
    case = chain.open_case()
    assert case.has_news
    assert list(case.events.values_list("event", flat=True)) == ["opened", "news"]


def test_r18_cak_signals_of_the_municipality_join_the_same_case(chain):
    from lcv.signals.intake import receive_file
    from lcv.signals.processing import process_delivery
    from lcv.testing.signals import csv_bytes, row

    chain.deliver(chain.water, [chain.signal(chain.water)])
    cak_row = {
        k: v for k, v in row().items() if k not in ("soort", "type", "mvi_toegepast", "persoonlijk_contact_gezocht")
    }
    received = receive_file(
        organisation=chain.utrecht, actor=chain.handler, file_name="cak.csv", content=csv_bytes([cak_row]), cak=True
    )
    delivery = process_delivery(received.delivery.pk)
    assert delivery.accepted == 1
    group_deliveries([delivery.pk])
    case = Case.objects.get()
    assert case.signal_count == 2
    assert case.has_health_insurance
    assert case.has_water
    assert Signal.objects.filter(from_cak=True).count() == 1


def test_r18_a_large_run_refreshes_the_planner_statistics_without_error(chain, monkeypatch):
    """At national volume grouping ANALYZEs the tables it grew (PostgreSQL); the statements must be
    valid although the tests' runs are small."""
    from lcv.cases import grouping

    monkeypatch.setattr(grouping, "ANALYZE_AFTER_ROWS", 1)
    chain.deliver(chain.water, [chain.signal(chain.water), chain.signal(chain.water, huisnummer="14")])
    assert Case.objects.count() == 2
