"""R18 on PostgreSQL: two deliveries for one address grouped at the same moment give one case."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from lcv.cases.grouping import group_deliveries
from lcv.cases.models import Case, CaseSignal

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises every write)")


def test_r18_two_deliveries_for_one_address_grouped_concurrently_give_one_case(postgres_only, chain):
    first = chain.deliver(chain.water, [chain.signal(chain.water, klantnummer="W-1")], group=False)
    second = chain.deliver(chain.energy, [chain.signal(chain.energy, klantnummer="E-1")], group=False)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(delivery_id: int) -> None:
        try:
            barrier.wait()
            group_deliveries([delivery_id])
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(d.pk,)) for d in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    case = Case.objects.get()
    assert CaseSignal.objects.filter(case=case).count() == 2
    assert (case.signal_count, case.sector_count) == (2, 2)


def test_r18_the_database_itself_refuses_a_second_open_case_for_one_household(postgres_only, chain):
    chain.deliver(chain.water, [chain.signal(chain.water, toevoeging="b")])
    case = chain.open_case()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            municipal_party=case.municipal_party,
            municipality=case.municipality,
            postcode=case.postcode,
            house_number=case.house_number,
            addition_key="B",
            opened_at=case.opened_at,
            first_received_at=case.first_received_at,
            last_signal_at=case.last_signal_at,
        )
