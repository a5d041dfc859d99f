"""R17: a new list replaces the old one atomically, a refused file replaces nothing, only keyed
hashes are stored, and the check answers for the party's own current list only."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from lcv.audit.models import AuditEvent
from lcv.debthelp import selectors
from lcv.debthelp.models import DebtHelpEntry, DebtHelpList
from lcv.debthelp.services import NotAMunicipalParty, replace_list
from lcv.testing.debthelp import bsn_csv, invalid_bsn, valid_bsns

pytestmark = pytest.mark.django_db

FIRST = valid_bsns(5, start=20_000_000)
SECOND = valid_bsns(4, start=30_000_000)


def upload(parties, bsns, party="utrecht", actor="utrecht_contact", **kwargs):
    return replace_list(
        party=parties[party], actor=parties[actor], content=bsn_csv(bsns, **kwargs), file_name="lijst.csv"
    )


def all_cells() -> str:
    """Every value of every table of the database, as one text."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                parts.extend(str(bytes(cell)) if isinstance(cell, memoryview) else str(cell) for cell in row)
    return "\n".join(parts)


def test_r17_the_check_finds_exactly_the_residents_on_the_current_list(parties):
    result = upload(parties, FIRST)
    assert result.accepted
    assert result.debt_help_list.count == len(FIRST)
    asked = [FIRST[0], FIRST[3], SECOND[0]]
    assert selectors.known_at_debt_help(party_id=parties["utrecht"].pk, bsns=asked) == {FIRST[0], FIRST[3]}
    assert set(selectors.known_hashes(party_id=parties["utrecht"].pk)) == {selectors.bsn_hash(b) for b in FIRST}


def test_r17_no_raw_bsn_anywhere_in_the_database(parties):
    upload(parties, FIRST)
    upload(parties, [*SECOND, SECOND[0]])
    replace_list(
        party=parties["utrecht"],
        actor=parties["utrecht_contact"],
        content=bsn_csv([FIRST[0], invalid_bsn(FIRST[1])]),
        file_name="fout.csv",
    )
    everything = all_cells()
    assert selectors.bsn_hash(SECOND[0]) in everything  # the scan does read the entries
    for number in [*FIRST, *SECOND, invalid_bsn(FIRST[1])]:
        assert number not in everything
        assert number.lstrip("0") not in everything
        assert hashlib.sha256(number.encode()).hexdigest() not in everything  # keyed, not a plain hash


def test_r17_a_new_upload_replaces_the_old_list_and_keeps_the_history(parties):
    first = upload(parties, FIRST).debt_help_list
    second = upload(parties, SECOND, actor="utrecht_handler").debt_help_list
    utrecht = parties["utrecht"].pk
    assert selectors.known_at_debt_help(party_id=utrecht, bsns=FIRST) == set()
    assert selectors.known_at_debt_help(party_id=utrecht, bsns=SECOND) == set(SECOND)
    assert set(DebtHelpEntry.objects.values_list("list_id", flat=True)) == {second.pk}
    assert list(selectors.upload_history(parties["utrecht"])) == [second, first]
    assert selectors.current_list(parties["utrecht"]) == second
    assert [(h.uploaded_by, h.count) for h in selectors.upload_history(parties["utrecht"])] == [
        (parties["utrecht_handler"], len(SECOND)),
        (parties["utrecht_contact"], len(FIRST)),
    ]
    event = AuditEvent.objects.filter(action="debthelp.list_replaced").latest("id")
    assert (event.actor, event.organisation, event.object_id) == (
        parties["utrecht_handler"],
        parties["utrecht"],
        str(second.pk),
    )
    assert event.details == {"count": len(SECOND), "duplicates": 0}


def test_r17_a_file_with_one_bad_line_is_refused_whole_and_the_old_list_stays(parties):
    first = upload(parties, FIRST).debt_help_list
    result = upload(parties, [*SECOND[:2], invalid_bsn(SECOND[2]), SECOND[3]])
    assert not result.accepted
    assert result.messages == ["Regel 4: geen geldig burgerservicenummer (elfproef)."]
    assert selectors.current_list(parties["utrecht"]) == first
    assert DebtHelpList.objects.count() == 1
    assert selectors.known_at_debt_help(party_id=parties["utrecht"].pk, bsns=FIRST + SECOND) == set(FIRST)
    refused = AuditEvent.objects.get(action="debthelp.list_refused")
    assert refused.details["problems"] == 1


def test_r17_a_failure_while_writing_leaves_the_old_list_whole(parties, monkeypatch):
    upload(parties, FIRST)

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(DebtHelpEntry.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        upload(parties, SECOND)
    assert DebtHelpList.objects.count() == 1
    assert selectors.known_at_debt_help(party_id=parties["utrecht"].pk, bsns=FIRST) == set(FIRST)
    assert not AuditEvent.objects.filter(action="debthelp.list_replaced", details__count=len(SECOND)).exists()


def test_r17_each_party_is_checked_against_its_own_list_only(parties):
    upload(parties, FIRST)
    upload(parties, SECOND, party="zeist", actor="zeist_contact")
    upload(parties, FIRST[:2], party="arrangement", actor="arrangement_handler")
    zeist = parties["zeist"].pk
    assert selectors.known_at_debt_help(party_id=zeist, bsns=FIRST) == set()
    assert selectors.known_at_debt_help(party_id=zeist, bsns=SECOND) == set(SECOND)
    assert selectors.known_at_debt_help(party_id=parties["arrangement"].pk, bsns=FIRST) == set(FIRST[:2])
    # Zeist's new list leaves Utrecht's as it was
    upload(parties, FIRST[:1], party="zeist", actor="zeist_contact")
    assert selectors.known_at_debt_help(party_id=parties["utrecht"].pk, bsns=FIRST) == set(FIRST)


def test_r17_a_signal_partner_keeps_no_list(parties):
    with pytest.raises(NotAMunicipalParty):
        upload(parties, FIRST, party="water", actor="water_contact")
    assert not DebtHelpList.objects.exists()


def test_r17_large_lists_are_checked_in_chunks(parties):
    many = valid_bsns(12_000, start=40_000_000)
    upload(parties, many[::2])
    found = selectors.known_at_debt_help(party_id=parties["utrecht"].pk, bsns=iter(many))
    assert found == set(many[::2])


def test_key_rotation_makes_the_old_list_match_nobody_until_uploaded_again(parties, settings):
    settings.DEBT_HELP_HASH_KEY = "eerste-sleutel"
    old = upload(parties, FIRST).debt_help_list
    settings.DEBT_HELP_HASH_KEY = "tweede-sleutel"
    assert selectors.key_changed(old)
    assert selectors.known_at_debt_help(party_id=parties["utrecht"].pk, bsns=FIRST) == set()
    new = upload(parties, FIRST).debt_help_list
    assert not selectors.key_changed(new)
    assert selectors.known_at_debt_help(party_id=parties["utrecht"].pk, bsns=FIRST) == set(FIRST)


def test_the_hash_depends_on_the_key(settings):
    settings.DEBT_HELP_HASH_KEY = ""
    settings.SECRET_KEY = "geheim-een"
    from_secret = selectors.bsn_hash(FIRST[0])
    settings.SECRET_KEY = "geheim-twee"
    assert selectors.bsn_hash(FIRST[0]) != from_secret
    settings.DEBT_HELP_HASH_KEY = "eigen-sleutel"
    dedicated = selectors.bsn_hash(FIRST[0])
    settings.SECRET_KEY = "geheim-drie"
    assert selectors.bsn_hash(FIRST[0]) == dedicated  # a dedicated key does not follow SECRET_KEY
    assert len(dedicated) == 64
