"""R17: the uploaded list is read with the 11-proof, bounded before parsing, and refused line by
line in Dutch without ever repeating a number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.nl import bsn as stdnum_bsn

from lcv.debthelp.reading import MAX_BYTES, MAX_LINES, MAX_MESSAGES, read_bsns
from lcv.testing.debthelp import bsn_csv, check_digit, invalid_bsn, valid_bsns

GOOD = valid_bsns(3)


@given(st.integers(min_value=1_000_000, max_value=99_999_999), st.integers(min_value=0, max_value=8))
def test_r17_eleven_proof_accepts_a_valid_number_and_refuses_any_one_digit_changed(prefix, position):
    digits = f"{prefix:08d}"
    last = check_digit(digits)
    if last is None:
        assert not read_bsns(f"{digits}0\n".encode()).ok
        return
    number = f"{digits}{last}"
    assert stdnum_bsn.is_valid(number)  # the generator agrees with python-stdnum
    assert read_bsns(f"{number}\n".encode()).bsns == {number}
    changed = number[:position] + str((int(number[position]) + 1) % 10) + number[position + 1 :]
    parsed = read_bsns(f"{changed}\n".encode())
    assert not parsed.ok
    assert parsed.messages == ["Regel 1: geen geldig burgerservicenummer (elfproef)."]


@given(st.integers(min_value=0, max_value=999_999_999))
def test_r17_the_check_agrees_with_python_stdnum_on_any_nine_digits(value):
    number = f"{value:09d}"
    assert read_bsns(number.encode()).ok is stdnum_bsn.is_valid(number)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(bsn_csv(GOOD), id="header-bsn"),
        pytest.param(bsn_csv(GOOD, header="Burgerservicenummer"), id="header-long"),
        pytest.param(bsn_csv(GOOD, header=None), id="no-header"),
        pytest.param(bsn_csv(GOOD, separator="\r\n"), id="crlf"),
        pytest.param(b"\xef\xbb\xbf" + bsn_csv(GOOD), id="utf8-bom"),
        pytest.param(bsn_csv(GOOD).decode().encode("utf-16"), id="utf16-bom"),
        pytest.param(("bsn;\n" + "".join(f'"{n}";\n' for n in GOOD)).encode(), id="semicolon-quoted"),
        pytest.param(("bsn,,\n" + "".join(f"{n},,\n" for n in GOOD)).encode(), id="comma-trailing"),
        pytest.param(("\n\nbsn\n\n" + "\n".join(f" {n[:4]}.{n[4:6]}.{n[6:]} " for n in GOOD)).encode(), id="dotted"),
    ],
)
def test_r17_the_accepted_forms_of_the_file(content):
    parsed = read_bsns(content)
    assert parsed.ok, parsed.messages
    assert parsed.bsns == set(GOOD)


def test_r17_eight_digits_get_back_the_leading_zero_excel_dropped():
    number = next(n for n in valid_bsns(200, start=1_000_000) if n.startswith("0"))
    assert read_bsns(number[1:].encode()).bsns == {number}


def test_r17_duplicates_count_once():
    parsed = read_bsns(bsn_csv([GOOD[0], GOOD[1], GOOD[0]]))
    assert parsed.ok
    assert parsed.bsns == {GOOD[0], GOOD[1]}
    assert parsed.duplicates == 1


def test_r17_every_bad_line_is_named_and_no_number_is_repeated():
    wrong = invalid_bsn(GOOD[1])
    lines = ["bsn", GOOD[0], wrong, "12345", "abc123456", f"{GOOD[2]};{GOOD[0]}", GOOD[2]]
    parsed = read_bsns("\n".join(lines).encode())
    assert not parsed.ok
    assert parsed.bsns == {GOOD[0], GOOD[2]}  # read, but the file as a whole is refused (services)
    assert parsed.messages == [
        "Regel 3: geen geldig burgerservicenummer (elfproef).",
        "Regel 4: geen burgerservicenummer (8 of 9 cijfers nodig, hier 5).",
        "Regel 5: geen burgerservicenummer (alleen cijfers).",
        "Regel 6: meer dan één waarde. Zet op iedere regel alleen een burgerservicenummer.",
    ]
    text = " ".join(parsed.messages)
    for number in [*GOOD, wrong, "12345"]:
        assert number not in text


def test_r17_an_unknown_header_is_explained():
    parsed = read_bsns(b"klantnummer\n" + bsn_csv(GOOD, header=None))
    assert parsed.messages == ["Regel 1: onbekende kolomkop. Gebruik bsn of burgerservicenummer, of laat de kop weg."]


def test_r17_only_the_first_messages_are_kept_but_all_are_counted():
    parsed = read_bsns(("\n".join(invalid_bsn(n) for n in valid_bsns(MAX_MESSAGES + 50))).encode())
    assert parsed.problems == MAX_MESSAGES + 50
    assert len(parsed.messages) == MAX_MESSAGES


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Het bestand bevat geen burgerservicenummers."),
        (b"bsn\n\n", "Het bestand bevat geen burgerservicenummers."),
        (b"PK\x03\x04rest-of-a-zip", "Dit is een Excel-bestand. Sla het in Excel op als CSV en lever dat bestand aan."),
        (b"\xff\x00\xfe bsn", "Het bestand is geen leesbaar tekstbestand. Sla de lijst op als CSV (UTF-8)."),
    ],
)
def test_r17_files_that_hold_no_list(content, message):
    parsed = read_bsns(content)
    assert parsed.messages == [message]


def test_bounds_a_file_over_the_size_limit_is_refused_before_it_is_read(monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded a file that was too big")

    monkeypatch.setattr("lcv.debthelp.reading._text", no_decoding)
    parsed = read_bsns(b" " * (MAX_BYTES + 1))
    assert parsed.messages == ["Het bestand is groter dan 5 MB. Een lijst van burgerservicenummers is veel kleiner."]


def test_bounds_too_many_lines_are_refused_before_parsing(monkeypatch):
    monkeypatch.setattr("lcv.debthelp.reading._text", lambda *a: pytest.fail("decoded a file with too many lines"))
    content = b"\n" * (MAX_LINES + 1)
    assert len(content) <= MAX_BYTES
    parsed = read_bsns(content)
    assert parsed.messages == [f"Het bestand heeft meer dan {MAX_LINES} regels."]


@pytest.mark.parametrize("separator", ["\r", "\u2028"])
def test_bounds_other_line_breaks_count_as_lines_too(separator):
    content = (separator * (MAX_LINES + 1)).encode()
    assert read_bsns(content).messages == [f"Het bestand heeft meer dan {MAX_LINES} regels."]


def test_bounds_the_largest_allowed_file_reads_quickly():
    import time

    content = bsn_csv(valid_bsns(MAX_LINES - 1))
    assert len(content) <= MAX_BYTES
    started = time.perf_counter()
    parsed = read_bsns(content)
    assert parsed.ok
    assert len(parsed.bsns) == MAX_LINES - 1
    assert time.perf_counter() - started < 10
