"""R17: names compared normalised (case, diacritics, prefixes, ss/s, a partner's name, initials),
the birth date deciding when the signal has one, and the five outcomes."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from lcv.brp.matching import Outcome, SignalPerson, compare, fold, initials_agree, name_agrees, split_prefix
from lcv.brp.records import BrpDate, PartnerName, Resident

UTRECHT = "0344"


def resident(bsn="999990007", given="Sanne", surname="Bakker", prefix="", born=None, **kwargs):
    birth = BrpDate.of(born) if isinstance(born, datetime.date) else born
    return Resident(bsn=bsn, given_names=given, surname=surname, prefix=prefix, birth_date=birth, **kwargs)


def test_exact_name_matches():
    assert compare(SignalPerson("S.", "Bakker"), [resident()], municipality_code=UTRECHT).bsn == "999990007"


def test_case_and_diacritics_do_not_matter():
    assert name_agrees(SignalPerson("O.", "OZTURK"), resident(given="Özlem", surname="Öztürk"))
    assert name_agrees(SignalPerson("E.", "Celik"), resident(given="Émile", surname="Çelik"))


def test_ss_and_s_are_the_same():
    assert name_agrees(SignalPerson("J.", "Jansen"), resident(given="Joost", surname="Janssen"))
    assert not name_agrees(SignalPerson("J.", "Jansen"), resident(given="Joost", surname="Jonsen"))


def test_ij_and_y_are_the_same():
    assert name_agrees(SignalPerson("D.", "Dyk", "van"), resident(given="Daan", surname="Dijk", prefix="van"))


def test_prefix_in_its_own_field_in_the_surname_or_after_it():
    brp = resident(given="Kees", surname="Bos", prefix="van den")
    for signalled in (
        SignalPerson("K.", "Bos", "van den"),
        SignalPerson("K.", "van den Bos"),
        SignalPerson("K.", "Bos, van den"),
        SignalPerson("K.", "Van Den Bos"),
        SignalPerson("K.", "Bos"),
    ):
        assert name_agrees(signalled, brp), signalled
    assert name_agrees(SignalPerson("M.", "Groot", "de"), resident(given="Mila", surname="De Groot"))
    assert split_prefix("", "in 't Veld") == ("in 't", "veld")


def test_a_partner_name_counts_when_the_brp_says_it_is_used():
    partner = (PartnerName("van", "Dijk"),)
    rosa = resident(given="Rosa", surname="Jansen", naming_use="P", partners=partner)
    assert name_agrees(SignalPerson("R.", "Dijk", "van"), rosa)
    assert name_agrees(SignalPerson("R.", "Jansen"), rosa)
    assert name_agrees(
        SignalPerson("R.", "van Dijk-Jansen"),
        resident(given="Rosa", surname="Jansen", naming_use="V", partners=partner),
    )
    assert name_agrees(
        SignalPerson("R.", "Jansen-van Dijk"),
        resident(given="Rosa", surname="Jansen", naming_use="N", partners=partner),
    )
    # own name only (E): the partner's name is not hers
    assert not name_agrees(
        SignalPerson("R.", "Dijk", "van"), resident(given="Rosa", surname="Jansen", naming_use="E", partners=partner)
    )


def test_initials_against_given_names():
    assert initials_agree("H.J.", "Hendrik Jan")
    assert initials_agree("H.", "Hendrik Jan")  # fewer initials: fine
    assert initials_agree("Hendrik", "Hendrik Jan")  # a first name where initials were asked
    assert initials_agree("", "Hendrik Jan")
    assert not initials_agree("J.", "Hendrik Jan")
    assert not initials_agree("H.J.P.", "Hendrik Jan")
    assert initials_agree("E.", "Émile")


def test_two_of_the_same_name_the_birth_date_decides():
    sanne = resident(born=datetime.date(1981, 3, 14))
    sem = resident(bsn="999990019", given="Sem", born=datetime.date(2004, 7, 2))
    with_date = compare(
        SignalPerson("S.", "Bakker", birth_date=datetime.date(1981, 3, 14)), [sanne, sem], municipality_code=UTRECHT
    )
    without = compare(SignalPerson("S.", "Bakker"), [sanne, sem], municipality_code=UTRECHT)
    assert (with_date.outcome, with_date.bsn) == (Outcome.MATCH, "999990007")
    assert (without.outcome, {r.bsn for r in without.candidates}) == (Outcome.AMBIGUOUS, {"999990007", "999990019"})
    assert without.reason == "same_name_at_address"


def test_a_different_birth_date_is_not_the_person():
    result = compare(
        SignalPerson("S.", "Bakker", birth_date=datetime.date(1990, 1, 1)),
        [resident(born=datetime.date(1981, 3, 14))],
        municipality_code=UTRECHT,
    )
    assert result.outcome == Outcome.NOT_FOUND
    assert [r.bsn for r in result.candidates] == ["999990007"]  # for the handler to pick from


def test_a_partly_unknown_brp_date_agrees_on_its_known_parts():
    signalled = SignalPerson("S.", "Bakker", birth_date=datetime.date(1981, 3, 14))
    for known, agrees in [
        (BrpDate("JaarMaandDatum", 1981, 3), True),
        (BrpDate("JaarDatum", 1981), True),
        (BrpDate("DatumOnbekend"), True),
        (BrpDate("JaarDatum", 1982), False),
    ]:
        outcome = compare(signalled, [resident(born=known)], municipality_code=UTRECHT).outcome
        assert (outcome == Outcome.MATCH) is agrees


def test_found_elsewhere_in_the_municipality_is_moved_within():
    signalled = SignalPerson("L.", "Vries", "de", birth_date=datetime.date(1990, 5, 20))
    lars = resident(
        bsn="999990160",
        given="Lars",
        surname="Vries",
        prefix="de",
        born=datetime.date(1990, 5, 20),
        municipality_code=UTRECHT,
    )
    result = compare(signalled, [], [lars], municipality_code=UTRECHT)
    assert (result.outcome, result.bsn) == (Outcome.MOVED_WITHIN, "999990160")


def test_found_in_another_municipality_is_not_resident():
    signalled = SignalPerson("A.", "Meijer", birth_date=datetime.date(1964, 1, 30))
    anna = resident(
        bsn="999990081", given="Anna", surname="Meijer", born=datetime.date(1964, 1, 30), municipality_code="0307"
    )
    other = resident(bsn="999990068", given="Youssef", surname="Amrani", prefix="el")
    result = compare(signalled, [other], [anna], municipality_code=UTRECHT)
    assert result.resident is not None
    assert (result.outcome, result.bsn, result.resident.municipality_code) == (
        Outcome.NOT_RESIDENT,
        "999990081",
        "0307",
    )


def test_several_found_elsewhere_or_an_unknown_municipality_goes_to_a_person():
    signalled = SignalPerson("A.", "Meijer", birth_date=datetime.date(1964, 1, 30))
    one = resident(bsn="999990081", given="Anna", surname="Meijer", municipality_code="0307")
    two = resident(bsn="999990093", given="Ans", surname="Meijer", municipality_code="0363")
    assert compare(signalled, [], [one, two], municipality_code=UTRECHT).outcome == Outcome.AMBIGUOUS
    unknown = resident(bsn="999990081", given="Anna", surname="Meijer")
    assert compare(signalled, [], [unknown], municipality_code=UTRECHT).reason == "municipality_unknown"


def test_nobody_at_all_is_not_found():
    result = compare(SignalPerson("Q.", "Nobody"), [], [], municipality_code=UTRECHT)
    assert (result.outcome, result.candidates, result.bsn) == (Outcome.NOT_FOUND, (), "")


def test_a_resident_listed_twice_is_one_match():
    sanne = resident()
    assert compare(SignalPerson("S.", "Bakker"), [sanne, sanne], municipality_code=UTRECHT).outcome == Outcome.MATCH


name_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyzàéëïöüçñß '-", min_size=1, max_size=30)


@given(name_text)
def test_fold_is_idempotent_and_case_blind(text):
    assert fold(fold(text)) == fold(text)
    assert fold(text.upper()) == fold(text)


@given(
    st.sampled_from(["Bakker", "Öztürk", "Janssen", "Visser", "Çelik"]), st.sampled_from(["", "van", "de", "van der"])
)
def test_a_brp_name_written_any_of_the_usual_ways_matches(surname, prefix):
    brp = resident(given="Anna", surname=surname, prefix=prefix)
    plain = fold(surname)
    for signalled in (
        SignalPerson("A.", surname.upper(), prefix),
        SignalPerson("A.", f"{prefix} {surname}".strip()),
        SignalPerson("A.", plain, prefix),
    ):
        assert name_agrees(signalled, brp)


@given(st.sampled_from(["Bakker", "Visser", "Mulder"]), st.sampled_from(["Smit", "Peters", "Bos"]))
def test_a_different_surname_never_matches(signalled_surname, brp_surname):
    assert not name_agrees(SignalPerson("A.", signalled_surname), resident(given="Anna", surname=brp_surname))
