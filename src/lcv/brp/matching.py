"""Comparing one signalled person with what the BRP says (R17; FACTS.md "Matching, priority, BRP").

Partners spell names their own way, so names are compared normalised: case, diacritics, the
place and spelling of prefixes (tussenvoegsels), ss/s and ij/y, the use of a partner's name as
the BRP's `aanduidingNaamgebruik` records it, and initials against the given names. A birth date
in the signal must agree with the BRP's (a partly unknown BRP date agrees on its known parts).
Pure functions: the questions to the BRP are in `lcv.brp.check`.
"""

from __future__ import annotations

import datetime
import enum
import re
import unicodedata
from dataclasses import dataclass

from lcv.brp.records import Resident

# Dutch (and a few common foreign) name prefixes, longest first so "van der" wins over "van".
PREFIXES = sorted(
    {
        "van",
        "de",
        "der",
        "den",
        "het",
        "'t",
        "t",
        "ter",
        "ten",
        "te",
        "van de",
        "van der",
        "van den",
        "van het",
        "van 't",
        "in de",
        "in 't",
        "in het",
        "op de",
        "op den",
        "op 't",
        "uit de",
        "uit den",
        "aan de",
        "bij de",
        "onder de",
        "over de",
        "voor de",
        "la",
        "le",
        "du",
        "da",
        "di",
        "del",
        "della",
        "des",
        "el",
        "al",
        "von",
        "zu",
        "von der",
        "d'",
        "l'",
        "o'",
        "mc",
    },
    key=len,
    reverse=True,
)
_FOLD = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "\u0131": "i", "ł": "l", "đ": "d", "ĳ": "ij"})
_NOT_LETTER = re.compile(r"[^a-z]")
# BRP `aanduidingNaamgebruik` codes: E own name; P partner's; V partner's before own; N own before partner's.
USES_PARTNER_NAME = frozenset({"P", "V", "N"})


class Outcome(enum.StrEnum):
    MATCH = "match"  # one resident at the address: store its BSN
    MOVED_WITHIN = "moved_within"  # lives at another address in the same municipality: pick it up
    NOT_RESIDENT = "not_resident"  # not living at the address; registered in another municipality
    AMBIGUOUS = "ambiguous"  # several candidates: a handler picks one
    NOT_FOUND = "not_found"  # nobody fits: a handler decides


@dataclass(frozen=True)
class SignalPerson:
    """The person as the partner signalled them."""

    initials: str
    surname: str
    prefix: str = ""
    birth_date: datetime.date | None = None


@dataclass(frozen=True)
class Comparison:
    outcome: Outcome
    resident: Resident | None = None  # the one person meant (MATCH, MOVED_WITHIN, NOT_RESIDENT)
    candidates: tuple[Resident, ...] = ()  # for the handler to pick from (AMBIGUOUS, NOT_FOUND)
    reason: str = ""  # a short code, never personal data

    @property
    def bsn(self) -> str:
        return self.resident.bsn if self.resident else ""


def fold(text: str) -> str:
    """Lower case, no diacritics, only the letters a-z; ss→s and ij→y, so Janssen = Jansen and
    Dijk = Dyk."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    # letters first: "i" and "j" that meet only once a space or hyphen is gone must fold the same way
    letters = _NOT_LETTER.sub("", plain).replace("ij", "y")
    return re.sub("s+", "s", letters)


def _words(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


def split_prefix(prefix: str, surname: str) -> tuple[str, str]:
    """Prefix and bare surname (lower case, unfolded), wherever the partner put the prefix: in its
    own field, in front of the surname ("de Groot") or after it ("Groot, de")."""
    words = _words(surname)
    if "," in words:  # "Groot, de"
        bare, _, moved = words.partition(",")
        words = f"{moved.strip()} {bare.strip()}".strip()
    found = _words(prefix)
    for candidate in PREFIXES:
        if words.startswith(candidate + " ") or (candidate.endswith("'") and words.startswith(candidate)):
            found = f"{found} {candidate}".strip()
            words = words[len(candidate) :].strip()
            break
    return found, words


def surname_keys(prefix: str, surname: str) -> set[str]:
    """The forms under which a surname counts as the same: with its prefix and without."""
    found, bare = split_prefix(prefix, surname)
    return {fold(found + bare), fold(bare)} - {""}


def resident_surname_keys(resident: Resident) -> set[str]:
    """Every form the resident may be known by: their own name and, when the BRP says they use
    a partner's name (P, V, N), the partner's name alone and both combined in either order."""
    own = surname_keys(resident.prefix, resident.surname)
    keys = set(own)
    if resident.naming_use in USES_PARTNER_NAME:
        for partner in resident.partners:
            theirs = surname_keys(partner.prefix, partner.surname)
            keys |= theirs
            keys |= {a + b for a in own for b in theirs} | {b + a for a in own for b in theirs}
    return keys


def initials_of(text: str) -> str:
    """The first letter of each name: "H.J." and "Hendrik Jan" both give "hj"."""
    return "".join(fold(word)[:1] for word in re.split(r"[\s.\-]+", text) if fold(word))


def initials_agree(signalled: str, given_names: str) -> bool:
    """The signal's initials are the leading initials of the BRP's given names; a partner may
    give fewer ("H." for Hendrik Jan) but not other ones. No initials on either side: agree."""
    theirs, ours = initials_of(signalled), initials_of(given_names)
    return not theirs or not ours or ours.startswith(theirs)


def name_agrees(person: SignalPerson, resident: Resident) -> bool:
    return bool(surname_keys(person.prefix, person.surname) & resident_surname_keys(resident)) and initials_agree(
        person.initials, resident.given_names
    )


def birth_date_agrees(person: SignalPerson, resident: Resident) -> bool:
    if person.birth_date is None or resident.birth_date is None:
        return True
    return resident.birth_date.agrees_with(person.birth_date)


def fits(person: SignalPerson, resident: Resident) -> bool:
    return name_agrees(person, resident) and birth_date_agrees(person, resident)


def _unique(residents: list[Resident]) -> list[Resident]:
    return list({resident.bsn: resident for resident in residents}.values())


def compare(
    person: SignalPerson,
    residents_at_address: list[Resident],
    residents_elsewhere: list[Resident] | None = None,
    *,
    municipality_code: str,
) -> Comparison:
    """R17: who of the residents is the signalled person. One fitting resident at the address is a
    match; several are ambiguous (e.g. two of the same name and no birth date to decide). With
    nobody fitting at the address, the people found elsewhere by name and birth date decide:
    in the same municipality they moved within it (pick it up), in another they are no resident."""
    at_address = _unique([resident for resident in residents_at_address if fits(person, resident)])
    if len(at_address) == 1:
        return Comparison(Outcome.MATCH, resident=at_address[0])
    if len(at_address) > 1:
        return Comparison(Outcome.AMBIGUOUS, candidates=tuple(at_address), reason="same_name_at_address")
    elsewhere = _unique([resident for resident in residents_elsewhere or [] if fits(person, resident)])
    if len(elsewhere) == 1:
        found = elsewhere[0]
        if not found.municipality_code:
            return Comparison(Outcome.AMBIGUOUS, candidates=(found,), reason="municipality_unknown")
        if found.municipality_code == municipality_code:
            return Comparison(Outcome.MOVED_WITHIN, resident=found)
        return Comparison(Outcome.NOT_RESIDENT, resident=found)
    if len(elsewhere) > 1:
        return Comparison(Outcome.AMBIGUOUS, candidates=tuple(elsewhere), reason="several_elsewhere")
    return Comparison(Outcome.NOT_FOUND, candidates=tuple(residents_at_address), reason="no_fitting_resident")
