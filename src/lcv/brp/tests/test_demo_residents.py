"""The demo residents line up with the demo signals (`lcv.portal.demo.DEMO_SIGNALS`): most match,
and the mismatch causes a real BRP check meets each lead to the right outcome."""

from __future__ import annotations

import datetime

import pytest
from stdnum.nl import bsn

from lcv.brp.check import Address, check_person
from lcv.brp.demo_residents import DEMO_RESIDENTS
from lcv.brp.matching import Outcome, SignalPerson
from lcv.portal.demo import demo_signal_rows

# Customer number -> (outcome, BSN) of the BRP check of each admitted demo signal.
EXPECTED = {
    "WM-20001": (Outcome.MATCH, "999990007"),  # two S. Bakkers: the birth date decides
    "WM-20002": (Outcome.MATCH, "999990020"),  # prefix written into the surname in the BRP
    "WM-20003": (Outcome.MATCH, "999990032"),  # initials against given names
    "WM-20004": (Outcome.MATCH, "999990044"),  # known by her partner's name
    "WM-20005": (Outcome.NOT_RESIDENT, "999990081"),  # moved to Amersfoort
    "WM-20006": (Outcome.MATCH, "999990093"),
    "WM-20007": (Outcome.MATCH, "999990111"),
    "WM-20008": (Outcome.MATCH, "999990123"),
    "WM-20009": (Outcome.MATCH, "999990135"),
}


def test_demo_bsns_pass_the_eleven_test_and_are_unique():
    numbers = [resident.bsn for resident in DEMO_RESIDENTS]
    assert all(bsn.is_valid(number) for number in numbers)
    assert len(set(numbers)) == len(numbers)


def _person(row):
    born = datetime.datetime.strptime(row["geboortedatum"], "%d-%m-%Y").date() if row["geboortedatum"] else None
    return SignalPerson(row["voorletters"], row["achternaam"], row["tussenvoegsel"], born)


@pytest.mark.parametrize(
    "row", [row for row in demo_signal_rows() if row["klantnummer"] in EXPECTED], ids=lambda r: r["klantnummer"]
)
def test_each_demo_signal_gets_its_outcome(client, context, row):
    address = Address(row["postcode"], int(row["huisnummer"]), row["toevoeging"])
    result = check_person(client, _person(row), address, municipality_code="0344", context=context)
    assert (result.outcome, result.bsn) == EXPECTED[row["klantnummer"]]


@pytest.mark.parametrize(
    ("person", "address", "outcome", "bsn"),
    [
        (SignalPerson("S.", "Bakker"), Address("3511AB", 12, "B"), Outcome.AMBIGUOUS, ""),  # same name, no birth date
        # the energy and housing demo deliveries (lcv.portal.demo_cases)
        (SignalPerson("O.", "Ozturk"), Address("3512AB", 8), Outcome.MATCH, "999990147"),  # diacritics
        (SignalPerson("J.", "Jansen"), Address("3512BB", 14), Outcome.MATCH, "999990159"),  # ss/s
        (
            SignalPerson("L.", "Vries", "de", datetime.date(1990, 5, 20)),
            Address("3511AA", 9),
            Outcome.MOVED_WITHIN,
            "999990160",
        ),
        (
            SignalPerson("D.", "Yilmaz", "", datetime.date(2003, 9, 9)),
            Address("3511AC", 22),
            Outcome.MATCH,
            "999990172",
        ),
        (SignalPerson("Q.", "Onbekend"), Address("3512AB", 18), Outcome.NOT_FOUND, ""),
    ],
)
def test_the_residents_of_the_other_demo_signals(client, context, person, address, outcome, bsn):
    result = check_person(client, person, address, municipality_code="0344", context=context)
    assert (result.outcome, result.bsn) == (outcome, bsn)
