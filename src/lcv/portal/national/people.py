"""The households of the national data set: their addresses, the residents the population register
(BRP) would hold, and the people as the signal partners know them. Each household is a pure
function of (seed, municipality, household number), so signals and a BRP test service loaded with
`residents()` line up without sharing state.

Most signalled people match their BRP record; a few percent do not, for the reasons municipalities
meet in practice (FACTS.md, BRP check): diacritics, a prefix written into the surname, ss/s, a
partner's name, a household that moved away, and two people of the same name at one address."""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from lcv.portal.national.world import LETTERS, Place, world

# (prefix, surname), roughly as common as in the Netherlands, with names of other origins
# fmt: off
NAMES: tuple[tuple[str, str], ...] = (
    ("de", "Jong"), ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"),
    ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"), ("de", "Groot"), ("", "Bos"),
    ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"),
    ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"),
    ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"),
    ("van den", "Broek"), ("de", "Bruijn"), ("", "Schouten"), ("van", "Beek"), ("", "Willems"), ("van", "Vliet"),
    ("van de", "Ven"), ("", "Hoekstra"), ("", "Maas"), ("", "Verhoeven"), ("", "Koster"), ("van", "Dam"),
    ("van der", "Wal"), ("", "Prins"), ("", "Blom"), ("", "Huisman"), ("", "Yilmaz"), ("", "Kaya"), ("", "El Amrani"),
    ("", "Bouzid"), ("", "Nguyen"), ("", "Pinas"), ("", "Wijaya"), ("", "Ait Taleb"), ("", "Mohamed"),
    ("", "Kowalski"), ("", "Sahin"), ("", "Tahiri"),
)
# fmt: on
WITH_DIACRITICS = ("Özdemir", "Çelik", "Müller", "Şahin", "Doğan", "Sánchez", "Ferreira Conceição", "Kovač")
WITH_DOUBLE_S = ("Janssen", "Klaassen", "Hanssen", "Thijssen", "Claessen", "Driessen")
# fmt: off
FIRST_NAMES = (
    "Johannes", "Maria", "Cornelis", "Anna", "Hendrik", "Johanna", "Jan", "Elisabeth", "Pieter", "Wilhelmina",
    "Mohamed", "Fatima", "Ahmet", "Ayse", "Daan", "Emma", "Sem", "Julia", "Lucas", "Sophie", "Thomas", "Lisa",
    "Kevin", "Sanne", "Ricardo", "Priscilla", "Anh", "Thi", "Piotr", "Agnieszka", "Youssef", "Noor", "Dewi", "Bram",
    "Fleur", "Mustafa", "Zeynep", "Willem", "Geertruida", "Abdelkader",
)
# fmt: on
# fmt: off
STREETS = (
    "Dorpsstraat", "Kerkstraat", "Schoolstraat", "Molenweg", "Stationsweg", "Julianastraat", "Beatrixlaan",
    "Wilhelminastraat", "Prinses Irenestraat", "Nieuwstraat", "Hoofdstraat", "Marktplein", "Parallelweg",
    "Esdoornlaan", "Lindelaan", "Zuiderweg", "Laan van Nieuw-Oost-Indië", "'s-Gravendijkwal",
    "Burgemeester de Withstraat", "Van Heemstraweg", "Populierenlaan", "Tulpstraat", "Rembrandtplein", "Klaprooshof",
)
# fmt: on
# BRP naamgebruik: E own name, P partner's name, V partner's before own, N own before partner's
OWN, PARTNERS = "E", "P"
HOUSEHOLDS_PER_POSTCODE = 18
# mismatch causes and their share of households (about 5 % in all)
MISMATCHES: tuple[tuple[str, float], ...] = (
    ("diacritics", 0.010),
    ("prefix", 0.010),
    ("ss_s", 0.005),
    ("partner_name", 0.015),
    ("moved_away", 0.010),
    ("namesake", 0.005),
)
# persons per household at most (BSN blocks are sized with it)
MAX_PERSONS = 8
BSN_SPACE = 8_500_000


@dataclass(frozen=True)
class Address:
    postcode: str
    house_number: int
    addition: str
    street: str
    city: str


@dataclass(frozen=True)
class Person:
    first_names: str
    initials: str
    prefix: str
    surname: str
    birth_date: date | None
    serial: int = -1  # the person's number in the municipality, for the BSN (residents only)
    partner_prefix: str = ""
    partner_surname: str = ""
    name_use: str = OWN


@dataclass(frozen=True)
class Resident:
    """One person the BRP test service holds at a data set address (BRP Personen Bevragen fields)."""

    bsn: str
    first_names: str
    initials: str
    prefix: str
    surname: str
    birth_date: date
    postcode: str
    house_number: int
    house_number_addition: str
    street: str
    city: str
    cbs_code: str
    partner_prefix: str = ""
    partner_surname: str = ""
    name_use: str = OWN
    # why the signals at this address do not match this person plainly ("" = they do)
    mismatch: str = ""


@dataclass
class Household:
    number: int
    address: Address
    residents: list[Person]  # as the BRP holds them
    signalled: list[Person]  # the adults as the partners know them (what goes into signals)
    mismatch: str
    rents: bool  # has a landlord (rent signals possible)
    heat: bool  # district heating instead of gas
    draws: dict[str, float] = field(default_factory=dict)  # sector -> which partner (0..1)
    phone: str = ""
    email: str = ""


def households_postcodes(households: int) -> int:
    return max(1, math.ceil(households / HOUSEHOLDS_PER_POSTCODE))


def postcode_of(place: Place, index: int) -> str:
    areas = place.areas
    letters = index // len(areas)
    if letters >= len(LETTERS):
        raise ValueError(f"too many postcodes for {place.name}")
    return f"{areas[index % len(areas)]}{LETTERS[letters]}"


def address_of(place: Place, number: int, households: int) -> Address:
    postcodes = households_postcodes(households)
    index, slot = number % postcodes, number // postcodes
    base = 1 + (index * 13) % 120
    if index % 5 == 0:  # a block of flats: numbers with additions
        house, addition = base + 2 * (slot // 4), ("", "A", "B", "C")[slot % 4]
    else:
        house, addition = base + 2 * slot, ""
    street = STREETS[(index * 7 + place.rank) % len(STREETS)]
    return Address(postcode_of(place, index), house, addition, street, place.name)


def bsn(place: Place, serial: int) -> str:
    """A BSN that passes the 11-proof, unique in the data set: seven digits from the municipality's
    block and the person's serial, then the eighth chosen so that the check digit exists."""
    block_start, block_size = _blocks()[place.cbs_code]
    if serial >= block_size:
        raise ValueError(f"too many persons in {place.name} for the BSN block; lower --stored/--new")
    seven = str(1_000_000 + block_start + serial)
    head = sum(int(digit) * weight for digit, weight in zip(seven, range(9, 2, -1), strict=True))
    for step in range(10):
        eighth = (serial + step) % 10
        check = (head + 2 * eighth) % 11
        if check <= 9:
            return f"{seven}{eighth}{check}"
    raise AssertionError("unreachable: one in eleven eighth digits fails at most")


_BLOCKS: dict[str, tuple[int, int]] = {}


def _blocks() -> dict[str, tuple[int, int]]:
    if not _BLOCKS:
        start = 0
        for place in sorted(world().places, key=lambda p: p.cbs_code):
            size = 1000 + int(BSN_SPACE * place.share)
            _BLOCKS[place.cbs_code] = (start, size)
            start += size
    return _BLOCKS


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _person(rng: random.Random, name: tuple[str, str], born: date, serial: int) -> Person:
    firsts = rng.sample(FIRST_NAMES, rng.choice((1, 1, 2, 2, 3)))
    return Person(
        first_names=" ".join(firsts),
        initials="".join(f"{first[0]}." for first in firsts),
        prefix=name[0],
        surname=name[1],
        birth_date=born,
        serial=serial,
    )


def _birth(rng: random.Random, on: date, low: int, high: int) -> date:
    # skewed to the younger end of the range, like betavariate(2, 3) but cheaper
    age_days = int((low + (high - low) * min(rng.random(), rng.random(), (rng.random() + rng.random()) / 2)) * 365.25)
    return on - timedelta(days=age_days)


def household(seed: int, place: Place, number: int, households: int, on: date) -> Household:
    """Household `number` of a municipality with `households` households; ages relative to `on`."""
    rng = random.Random(f"{seed}:{place.cbs_code}:{number}")  # noqa: S311 - test data
    draw = rng.random()
    mismatch = ""
    for cause, share in MISMATCHES:
        if draw < share:
            mismatch = cause
            break
        draw -= share
    name = rng.choice(NAMES)
    if mismatch == "diacritics":
        name = ("", rng.choice(WITH_DIACRITICS))
    elif mismatch == "ss_s":
        name = ("", rng.choice(WITH_DOUBLE_S))
    elif mismatch == "prefix" and not name[0]:
        name = rng.choice([n for n in NAMES if n[0]])
    serial = number * MAX_PERSONS
    adults = [_person(rng, name, _birth(rng, on, 18, 85), serial)]
    shape = rng.random()
    if shape < 0.45 or mismatch == "partner_name":
        other = rng.choice(NAMES)
        adults.append(_person(rng, other, _birth(rng, on, 18, 85), serial + 1))
    if shape > 0.9 or mismatch == "namesake":
        # an adult child; for "namesake" with the same initials and name as the first adult
        child = _person(rng, name, _birth(rng, on, 18, 30), serial + 2)
        if mismatch == "namesake":
            child = Person(adults[0].first_names, adults[0].initials, name[0], name[1], child.birth_date, child.serial)
        adults.append(child)
    children = [
        _person(rng, name, _birth(rng, on, 0, 17), serial + 3 + i) for i in range(rng.choice((0, 0, 0, 0, 1, 1, 2, 3)))
    ]
    signalled = [Person(a.first_names, a.initials, a.prefix, a.surname, a.birth_date) for a in adults[:2]]
    residents = adults + children
    if mismatch == "partner_name":
        first, partner = adults[0], adults[1]
        residents[0] = Person(
            first.first_names,
            first.initials,
            first.prefix,
            first.surname,
            first.birth_date,
            first.serial,
            partner_prefix=partner.prefix,
            partner_surname=partner.surname,
            name_use=PARTNERS,
        )
        signalled[0] = Person(first.first_names, first.initials, partner.prefix, partner.surname, first.birth_date)
    elif mismatch == "diacritics":
        signalled = [Person(p.first_names, p.initials, p.prefix, _ascii(p.surname), p.birth_date) for p in signalled]
    elif mismatch == "ss_s":
        signalled = [
            Person(p.first_names, p.initials, p.prefix, p.surname.replace("ss", "s"), p.birth_date) for p in signalled
        ]
    elif mismatch == "prefix":
        signalled = [
            Person(p.first_names, p.initials, "", f"{p.prefix[:1].upper()}{p.prefix[1:]} {p.surname}", p.birth_date)
            for p in signalled
        ]
    elif mismatch == "namesake":
        signalled[0] = Person(adults[0].first_names, adults[0].initials, name[0], name[1], None)
    elif mismatch == "moved_away":
        # the household moved; another family lives at the address now
        newcomer = random.Random(f"{seed}:{place.cbs_code}:{number}:new")  # noqa: S311 - test data
        residents = [
            _person(newcomer, newcomer.choice(NAMES), _birth(newcomer, on, 18, 85), serial + 6 + i)
            for i in range(newcomer.choice((1, 2)))
        ]
    first = signalled[0]
    return Household(
        number=number,
        address=address_of(place, number, households),
        residents=residents,
        signalled=signalled,
        mismatch=mismatch,
        rents=rng.random() < 0.45,
        heat=rng.random() < 0.06,
        draws={sector: rng.random() for sector in ("water", "health_insurance", "energy", "housing")},
        phone=f"06{rng.randrange(10**8):08d}" if rng.random() < 0.4 else "",
        email=(
            f"{first.initials[0].lower()}.{_ascii(first.surname).lower().replace(' ', '')}@voorbeeld.nl"
            if rng.random() < 0.25
            else ""
        ),
    )


def residents_of(seed: int, place: Place, households: int, on: date) -> list[Resident]:
    """Every person the BRP holds at the municipality's data set addresses."""
    found = []
    for number in range(households):
        home = household(seed, place, number, households, on)
        address = home.address
        for person in home.residents:
            assert person.birth_date is not None
            found.append(
                Resident(
                    bsn=bsn(place, person.serial),
                    first_names=person.first_names,
                    initials=person.initials,
                    prefix=person.prefix,
                    surname=person.surname,
                    birth_date=person.birth_date,
                    postcode=address.postcode,
                    house_number=address.house_number,
                    house_number_addition=address.addition,
                    street=address.street,
                    city=address.city,
                    cbs_code=place.cbs_code,
                    partner_prefix=person.partner_prefix,
                    partner_surname=person.partner_surname,
                    name_use=person.name_use,
                    mismatch=home.mismatch,
                )
            )
    return found
