"""R17 on PostgreSQL: two uploads at the same moment follow each other, and a check made meanwhile
always sees one whole list — never an empty one, never a mix of two."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.db.models import Count

from lcv.debthelp.models import DebtHelpEntry, DebtHelpList
from lcv.debthelp.selectors import current_list, known_at_debt_help
from lcv.debthelp.services import replace_list
from lcv.testing.debthelp import bsn_csv, valid_bsns
from lcv.testing.factories import member, municipality_organisation


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL")
def test_r17_simultaneous_uploads_and_a_reader_see_whole_lists_only():
    utrecht = municipality_organisation("0344")
    people = [member(utrecht, "contact"), member(utrecht, "handler")]
    initial = valid_bsns(3000, start=70_000_000)
    replace_list(party=utrecht, actor=people[0], content=bsn_csv(initial), file_name="eerste.csv")
    lists = [valid_bsns(4000, start=71_000_000) + initial[:500], valid_bsns(5000, start=72_000_000)]
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []
    seen: list[tuple[int, int]] = []
    writing = threading.Event()
    writing.set()

    def write(index: int) -> None:
        try:
            barrier.wait()
            result = replace_list(
                party=utrecht, actor=people[index], content=bsn_csv(lists[index]), file_name=f"{index}.csv"
            )
            assert result.accepted
        except BaseException as error:  # reported below, in the main thread
            errors.append(error)
        finally:
            connection.close()

    def read() -> None:
        try:
            barrier.wait()
            while writing.is_set():
                rows = list(DebtHelpEntry.objects.filter(party=utrecht).values("list_id").annotate(n=Count("id")))
                assert len(rows) == 1, f"entries of {len(rows)} lists at once"
                seen.append((rows[0]["list_id"], rows[0]["n"]))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    writers = [threading.Thread(target=write, args=(index,)) for index in (0, 1)]
    reader = threading.Thread(target=read)
    for thread in [*writers, reader]:
        thread.start()
    for thread in writers:
        thread.join()
    writing.clear()
    reader.join()
    assert errors == []
    counts = dict(DebtHelpList.objects.values_list("id", "count"))
    assert len(counts) == 3
    assert seen
    assert all(counts[list_id] == n for list_id, n in seen)  # always one whole list
    newest = current_list(utrecht)
    assert newest is not None
    winner = lists[0] if newest.count == len(lists[0]) else lists[1]
    assert known_at_debt_help(party_id=utrecht.pk, bsns=initial + lists[0] + lists[1]) == set(winner)
