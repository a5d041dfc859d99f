"""The postcode table importer (R13): our own format and CBS's yearly Postcode-huisnummer-buurt-
wijk-gemeente file, compression per postcode, Dutch refusals per row, all-or-nothing replacement."""

from __future__ import annotations

import io
import itertools
import random
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from lcv.audit.models import AuditEvent
from lcv.organisations.models import Municipality
from lcv.signals import postcodes
from lcv.signals.models import PostcodeRange
from lcv.signals.postcodes import PostcodeImportError, add_address, import_postcodes
from lcv.signals.routing import Router
from lcv.testing.signals import postcode

pytestmark = pytest.mark.django_db

OWN_HEADER = "postcode;huisnummer_van;huisnummer_tot;gemeentecode\n"
CBS_HEADER = "PC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024\n"


def ids(*codes: str) -> list[int]:
    by_code = dict(Municipality.objects.values_list("cbs_code", "id"))
    return [by_code[code] for code in codes]


def route(*addresses: tuple[str, int]) -> list[int | None]:
    found = Router(None).municipalities(addresses)
    return [found.get(address) for address in addresses]


def table() -> set[tuple[str, int | None, int | None, str]]:
    return set(PostcodeRange.objects.values_list("postcode", "house_from", "house_to", "municipality__cbs_code"))


def load(text: str, *, replace: bool = False) -> postcodes.ImportResult:
    return import_postcodes(io.StringIO(text, newline=""), replace=replace)


def cbs_rows(addresses: list[tuple[str, int, str]], header: str = CBS_HEADER) -> str:
    """One row per address, as CBS writes them (buurt and wijk codes are ignored)."""
    return header + "".join(f"{pc};{number};{code}0101;{code}01;{code}\n" for pc, number, code in addresses)


# --- our own format -------------------------------------------------------------------------------


def test_own_format_whole_postcodes_and_ranges_with_every_spelling_of_the_code():
    result = load(OWN_HEADER + "3511AB;;;0344\n3511 ac;;;GM0344\n3331AA;1;49;505\n3331AA;51;99;gm0642\n")
    assert (result.file_format, result.rows_read, result.ranges_stored, result.postcodes, result.refused) == (
        "eigen",
        4,
        4,
        3,
        0,
    )
    assert table() == {
        ("3511AB", None, None, "0344"),
        ("3511AC", None, None, "0344"),
        ("3331AA", 1, 49, "0505"),
        ("3331AA", 51, 99, "0642"),
    }
    utrecht, dordrecht, zwijndrecht = ids("0344", "0505", "0642")
    assert route(("3511AB", 7), ("3511AC", 200), ("3331AA", 49), ("3331AA", 51), ("3331AA", 50)) == [
        utrecht,
        utrecht,
        dordrecht,
        zwijndrecht,
        None,
    ]


def test_own_format_with_commas_and_a_header_in_capitals():
    result = load("Postcode,Huisnummer_van,Huisnummer_tot,GemeenteCode\r\n3511AB,,,0344\r\n")
    assert (result.ranges_stored, result.refused) == (1, 0)
    assert route(("3511AB", 1)) == ids("0344")


def test_refused_rows_are_named_in_dutch_and_the_good_rows_are_still_stored():
    result = load(
        OWN_HEADER
        + "3511AB;;;0344\n"  # row 2: good
        + "351AB;;;0344\n"  # 3
        + "3511AC;;;0999\n"  # 4
        + "3511AD;5;;0344\n"  # 5
        + "3511AE;9;3;0344\n"  # 6
        + "3511AF;a;9;0344\n"  # 7
        + "\n"  # 8: empty, skipped
        + "3511AG;;;\n"  # 9
        + "3511AH\n"  # 10
        + "3511AJ;1;9;0344\n"  # 11: good
    )
    assert (result.rows_read, result.ranges_stored, result.refused) == (9, 2, 7)
    reasons = {refusal.row_number: refusal.reason for refusal in result.refusals}
    assert set(reasons) == {3, 4, 5, 6, 7, 9, 10}
    assert "geen geldige postcode" in reasons[3]
    assert "gemeentecode 0999 is onbekend" in reasons[4]
    assert "allebei" in reasons[5]
    assert "huisnummer_van (9) is groter dan huisnummer_tot (3)" in reasons[6]
    assert "huisnummer 'a' is geen positief geheel getal" in reasons[7]
    assert "gemeentecode ontbreekt" in reasons[9]
    assert "te weinig kolommen" in reasons[10]
    assert str(result.refusals[0]).startswith("rij 3: ")
    assert {pc for pc, *_ in table()} == {"3511AB", "3511AJ"}


# --- CBS's file -----------------------------------------------------------------------------------


def test_cbs_file_a_postcode_in_one_municipality_becomes_one_whole_postcode_row():
    result = load(cbs_rows([("3511AB", number, "344") for number in (1, 2, 3, 5, 8, 13)]))
    assert (result.file_format, result.rows_read, result.ranges_stored, result.postcodes) == ("cbs", 6, 1, 1)
    assert table() == {("3511AB", None, None, "0344")}
    assert route(("3511AB", 4), ("3511AB", 999)) == ids("0344", "0344")


def test_cbs_file_a_split_postcode_becomes_one_range_per_run_of_house_numbers():
    addresses = [("3331AA", n, "0505") for n in (1, 3, 5, 7)]
    addresses += [("3331AA", n, "0642") for n in (9, 11)]
    addresses += [("3331AA", n, "0505") for n in (13, 15)]
    addresses += [("3331AB", n, "0642") for n in (2, 4)]
    load(cbs_rows(addresses))
    assert table() == {
        ("3331AA", 1, 7, "0505"),
        ("3331AA", 9, 11, "0642"),
        ("3331AA", 13, 15, "0505"),
        ("3331AB", None, None, "0642"),
    }
    dordrecht, zwijndrecht = ids("0505", "0642")
    assert route(("3331AA", 5), ("3331AA", 6), ("3331AA", 10), ("3331AA", 15), ("3331AA", 16), ("3331AB", 9)) == [
        dordrecht,
        dordrecht,
        zwijndrecht,
        dordrecht,
        None,  # beyond the last address: not guessed
        zwijndrecht,
    ]


def test_cbs_file_with_a_plain_gemeente_column_commas_quotes_and_an_address_listed_twice():
    text = 'PC6,Huisnummer,Gemeente\n"3511AB","1","0344"\n"3511AB","1","0344"\n3511 ab,2,GM0344\n'
    result = load(text)
    assert (result.rows_read, result.ranges_stored, result.refused) == (3, 1, 0)
    assert table() == {("3511AB", None, None, "0344")}


def test_cbs_file_refusals_name_the_row():
    result = load(cbs_rows([("3511AB", 1, "344"), ("3511AB", 0, "344"), ("ZZ11AB", 3, "344"), ("3511AC", 4, "9")]))
    assert [(r.row_number, r.reason.split(" ")[0]) for r in result.refusals] == [
        (3, "huisnummer"),
        (4, "postcode"),
        (5, "gemeentecode"),
    ]
    assert table() == {("3511AB", None, None, "0344")}


def test_cbs_file_is_streamed_in_batches_and_an_unsorted_file_routes_every_address_the_same(monkeypatch):
    monkeypatch.setattr(postcodes, "BATCH", 3)  # few postcodes open at a time: groups come back
    rng = random.Random(5)
    codes = ["0344", "0355", "0307"]
    addresses = []
    for i in range(12):
        pc = f"37{i:02d}AA"
        owners = codes[: 1 + i % 3]
        addresses += [(pc, number, rng.choice(owners)) for number in range(1, 30, rng.choice((1, 2)))]
    load(cbs_rows(addresses), replace=True)
    sorted_table = table()
    wanted = [(pc, number) for pc, number, _ in addresses]
    expected = [dict(zip(codes, ids(*codes), strict=True))[code] for _, _, code in addresses]
    assert route(*wanted) == expected
    shuffled = list(addresses)
    rng.shuffle(shuffled)
    result = load(cbs_rows(shuffled), replace=True)
    assert route(*wanted) == expected
    assert result.postcodes == 12
    # postcodes within one municipality are whole postcodes either way
    whole = {pc for pc, low, high, _ in table() if low is None and high is None}
    assert whole == {pc for pc, low, high, _ in sorted_table if low is None and high is None}
    assert len(whole) == 4


@given(st.dictionaries(st.integers(1, 60), st.integers(1, 3), min_size=1))
def test_add_address_keeps_disjoint_runs_that_route_every_address_in_any_order(owners):
    numbers = list(owners)
    random.Random(len(numbers)).shuffle(numbers)
    runs: list[list[int]] = []
    for number in numbers:
        add_address(runs, number, owners[number])
    for (_low, high, owner), (next_low, _, next_owner) in itertools.pairwise(runs):
        assert high < next_low
        assert owner != next_owner
    for number, owner in owners.items():
        assert [run[2] for run in runs if run[0] <= number <= run[1]] == [owner]
    in_order: list[list[int]] = []
    for number in sorted(owners):
        add_address(in_order, number, owners[number])
    # in order: exactly one range [first, last] per run of one municipality
    expected = []
    for owner, group in itertools.groupby(sorted(owners.items()), key=lambda item: item[1]):
        numbers_of_run = [number for number, _ in group]
        expected.append([numbers_of_run[0], numbers_of_run[-1], owner])
    assert in_order == expected


# --- replacing, appending, all or nothing ---------------------------------------------------------


def test_without_replace_the_postcodes_in_the_file_replace_only_their_own_rows():
    postcode("3511AB", "0344")
    postcode("3331AA", "0505", 1, 10)
    postcode("3331AA", "0642", 11, 20)
    load(OWN_HEADER + "3331AA;;;0505\n3701AA;;;0355\n")
    assert table() == {("3511AB", None, None, "0344"), ("3331AA", None, None, "0505"), ("3701AA", None, None, "0355")}


def test_replace_empties_the_table_first_and_is_audited():
    postcode("3511AB", "0344")
    result = load(cbs_rows([("3701AA", 1, "355")]), replace=True)
    assert table() == {("3701AA", None, None, "0355")}
    event = AuditEvent.objects.get(action="signals.postcodes_imported")
    assert event.details == {"format": "cbs", "replace": True, "rows": 1, "ranges": 1, "postcodes": 1, "refused": 0}
    assert result.ranges_stored == 1


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "straat;plaats;gemeente\nDomplein;Utrecht;0344\n",
        "postcode;gemeentecode\n3511AB;0344\n",  # van and tot missing
        "PC6;Huisnummer;Buurt2024\n3511AB;1;03440101\n",  # no gemeente column
    ],
)
def test_an_unrecognised_file_is_refused_whole_and_changes_nothing(text):
    postcode("3511AB", "0344")
    with pytest.raises(PostcodeImportError, match="Er is niets gewijzigd"):
        load(text, replace=True)
    assert table() == {("3511AB", None, None, "0344")}
    assert not AuditEvent.objects.filter(action="signals.postcodes_imported").exists()


def test_replace_with_not_a_single_good_row_keeps_the_old_table():
    postcode("3511AB", "0344")
    with pytest.raises(PostcodeImportError, match="blijft staan"):
        load(OWN_HEADER + "3511AC;;;0999\n", replace=True)
    assert table() == {("3511AB", None, None, "0344")}


def test_replace_that_fails_part_way_leaves_the_old_table_intact(monkeypatch):
    monkeypatch.setattr(postcodes, "BATCH", 10)
    postcode("3511AB", "0344")
    letters = [a + b for a in "ABCDEFGHIJ" for b in "ABCDEFGHIJ"]
    good = [f"37{i:02d}{pair};1;0;0;0355\n" for i in range(50) for pair in letters]  # 5000 postcodes, 100 kB
    content = (CBS_HEADER + "".join(good)).encode() + b"3799ZZ;1;0;0;0\xff355\n"
    stream = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8", newline="")
    with pytest.raises(PostcodeImportError, match="geen UTF-8"):
        import_postcodes(stream, replace=True)
    assert table() == {("3511AB", None, None, "0344")}


def test_an_error_while_reading_rolls_everything_back():
    postcode("3511AB", "0344")

    class Broken(io.StringIO):
        def __next__(self) -> str:  # type: ignore[override]  # typeshed: _IOBase yields bytes
            line = super().__next__()
            if line.startswith("3701AC"):
                raise OSError("schijf weg")
            return line

    stream = Broken(OWN_HEADER + "3701AA;;;0355\n3701AB;;;0355\n3701AC;;;0355\n", newline="")
    with pytest.raises(OSError, match="schijf weg"):
        import_postcodes(stream, replace=True)
    assert table() == {("3511AB", None, None, "0344")}


# --- the command ------------------------------------------------------------------------------------


def test_command_prints_dutch_counts_and_the_first_refused_rows(tmp_path, capsys):
    path = tmp_path / "postcodes.csv"
    path.write_text(OWN_HEADER + "3511AB;;;0344\n" + "".join(f"3511AC;;;8{i:03d}\n" for i in range(25)))
    call_command("import_postcodes", str(path), "--replace")
    out = capsys.readouterr().out
    assert "Formaat: eigen formaat" in out
    assert "Rijen gelezen: 26" in out
    assert "Bereiken opgeslagen: 1" in out
    assert "Rijen geweigerd: 25" in out
    assert "rij 3: gemeentecode 8000 is onbekend" in out
    assert "… en nog 5 geweigerde rijen." in out
    assert "De oude postcodetabel is vervangen." in out


def test_command_reads_the_cbs_zip_with_a_bom(tmp_path, capsys):
    path = tmp_path / "pc6hnr20240801_gwb.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pc6hnr20240801_gwb.csv", "\ufeff" + cbs_rows([("3511AB", 1, "344"), ("3511AB", 2, "344")]))
    call_command("import_postcodes", str(path))
    out = capsys.readouterr().out
    assert "Formaat: CBS-bestand" in out
    assert "Postcodes opgeslagen: 1" in out
    assert table() == {("3511AB", None, None, "0344")}


def test_command_refuses_an_unrecognised_file_with_a_dutch_message(tmp_path):
    path = tmp_path / "iets.csv"
    path.write_text("naam;adres\nx;y\n")
    with pytest.raises(CommandError, match="De kopregel wordt niet herkend"):
        call_command("import_postcodes", str(path), "--replace")
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("import_postcodes", str(tmp_path / "weg.csv"))
