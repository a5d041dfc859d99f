"""The national data set's world: how the signal volume is spread over the 342 municipalities,
the municipal parties (a few joint arrangements), the signal partners and where they operate, the
agreements between them, and the synthetic postcode areas.

Everything here depends only on the reference list of municipalities (not on the seed), so the
same municipality is the large one in every run, and a reset can find the data set's postcodes."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from functools import cache
from statistics import NormalDist

from lcv.organisations.models import Sector
from lcv.organisations.reference import read_municipalities

# Every organisation of the data set has a KvK number starting with this: it is how the command
# recognises its own data (no real KvK number starts with 999).
KVK_MARK = "999"

# The ten largest municipalities (CBS, 2025), largest first; the rest follow in a fixed pseudo-random
# order. Amsterdam gets LARGEST_SHARE of the national volume, as in the Divosa figures.
LARGEST = ("0363", "0599", "0518", "0344", "0772", "0014", "0855", "0034", "0758", "0268")
LARGEST_SHARE = 0.05
# the spread of the rest: log-normal quantiles (real populations run from ~1,000 to ~930,000)
SIGMA = 1.1

# (name, member CBS codes): joint arrangements that sign and receive for their members (FAQ 13)
JOINT_ARRANGEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Sociale Dienst Drechtsteden", ("0505", "0642", "0590", "0531", "0482", "0610", "0523")),
    ("ISD Bollenstreek", ("0534", "0553", "0575", "1525")),
    ("Ferm Werk", ("0632", "0589", "0335")),
    ("Werk en Inkomen Lekstroom", ("0321", "0353", "0331", "0356", "1961")),
)

WATER_NAMES = ("Noord", "Oost", "Midden", "West", "Zuid", "Delta", "Duin", "Vallei", "Rivierenland", "Heuvelland")
INSURER_NAMES = ("Anker", "Baken", "Cirkel", "Dijk", "Eik", "Fjord", "Gaard", "Haven", "Iris", "Jade")
ENERGY_WORDS = ("Groen", "Helder", "Stroom", "Wind", "Zon", "Polder", "Delta", "Noord", "Licht", "Vonk")
ENERGY_SUFFIXES = ("stroom", "energie", "kracht", "net")
LANDLORD_FORMS = ("Woonstichting {}", "Wonen {}", "Woongoed {}", "Thuis in {}", "Woonbron {}", "Huurpunt {}")
COUNTS = {Sector.WATER: 10, Sector.HEALTH_INSURANCE: 10, Sector.ENERGY: 40, Sector.HOUSING: 300}
SECTOR_DIGIT = {Sector.WATER: "1", Sector.HEALTH_INSURANCE: "2", Sector.ENERGY: "3", Sector.HOUSING: "4"}

FIRST_AREA, LAST_AREA = 1000, 9999  # the four digits of a postcode
# letter pairs a postcode may end in (SA, SD and SS are not used in the Netherlands)
LETTERS = tuple(
    a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if a + b not in ("SA", "SD", "SS")
)


def _stable(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


@dataclass(frozen=True)
class Place:
    cbs_code: str
    name: str
    rank: int  # 0 = the largest
    share: float  # of the national volume
    areas: range  # its four-digit postcode areas


@dataclass(frozen=True)
class PartnerSpec:
    kvk: str
    name: str
    sector: Sector
    national: bool
    cbs_codes: tuple[str, ...]  # served municipalities when not national
    weight: float  # market share among the partners of its sector that serve a municipality


@dataclass
class World:
    places: list[Place]  # by rank
    by_code: dict[str, Place] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_code = {place.cbs_code: place for place in self.places}


def shares(count: int) -> list[float]:
    """Share of the national volume per rank: the largest LARGEST_SHARE, the rest log-normal."""
    normal = NormalDist()
    rest = [math.exp(SIGMA * normal.inv_cdf(1 - (rank - 0.5) / (count - 1))) for rank in range(1, count)]
    total = sum(rest)
    return [LARGEST_SHARE] + [(1 - LARGEST_SHARE) * value / total for value in rest]


@cache
def world() -> World:
    names = dict(read_municipalities())
    others = sorted((code for code in names if code not in LARGEST), key=lambda code: _stable(f"rank:{code}"))
    ranked = [code for code in LARGEST if code in names] + others
    weights = shares(len(ranked))
    # postcode areas in CBS-code order (roughly by province), each at least one, the rest by volume
    spare = LAST_AREA - FIRST_AREA + 1 - len(ranked)
    share_of = dict(zip(ranked, weights, strict=True))
    areas: dict[str, range] = {}
    start = FIRST_AREA
    for code in sorted(ranked):
        size = 1 + int(spare * share_of[code])
        areas[code] = range(start, start + size)
        start += size
    return World(
        [
            Place(cbs_code=code, name=names[code], rank=rank, share=weights[rank], areas=areas[code])
            for rank, code in enumerate(ranked)
        ]
    )


def _zipf(count: int, exponent: float) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, count + 1)]


def partners() -> list[PartnerSpec]:
    """~10 regional water companies (one per municipality), ~10 national health insurers, ~40 national
    energy suppliers, ~300 landlords each serving a few neighbouring municipalities."""
    places = world().places
    in_order = sorted(place.cbs_code for place in places)  # neighbours: adjacent CBS codes
    specs: list[PartnerSpec] = []
    # water: contiguous regions of about equal volume
    regions: list[list[str]] = [[] for _ in WATER_NAMES]
    running = 0.0
    share = {place.cbs_code: place.share for place in places}
    for code in in_order:
        regions[min(len(regions) - 1, int(running * len(regions)))].append(code)
        running += share[code]
    for index, (name, region) in enumerate(zip(WATER_NAMES, regions, strict=True)):
        specs.append(_spec(Sector.WATER, index, f"Waterbedrijf {name}", False, tuple(region), 1.0))
    for index, (name, weight) in enumerate(zip(INSURER_NAMES, _zipf(len(INSURER_NAMES), 1.1), strict=True)):
        specs.append(_spec(Sector.HEALTH_INSURANCE, index, f"Zorgverzekeraar {name}", True, (), weight))
    energy = [w + s for w in ENERGY_WORDS for s in ENERGY_SUFFIXES]
    for index, (name, weight) in enumerate(zip(energy, _zipf(len(energy), 1.2), strict=True)):
        specs.append(_spec(Sector.ENERGY, index, f"{name} B.V.", True, (), weight))
    specs.extend(_landlords(in_order))
    return specs


def _spec(sector: Sector, index: int, name: str, national: bool, codes: tuple[str, ...], weight: float) -> PartnerSpec:
    kvk = f"{KVK_MARK}{SECTOR_DIGIT[sector]}{index:04d}"
    return PartnerSpec(
        kvk=kvk, name=f"{name} (synthetisch)", sector=sector, national=national, cbs_codes=codes, weight=weight
    )


def _landlords(in_order: list[str]) -> list[PartnerSpec]:
    """Homes by volume (the largest municipality has the most landlords), each also serving 0-5
    neighbours; a municipality left without one is added to its nearest landlord."""
    places = world()
    position = {code: index for index, code in enumerate(in_order)}
    cumulative: list[tuple[float, str]] = []
    running = 0.0
    for place in places.places:
        running += place.share
        cumulative.append((running, place.cbs_code))
    served: list[set[str]] = []
    homes: list[str] = []
    for index in range(COUNTS[Sector.HOUSING]):
        point = (index + 0.5) / COUNTS[Sector.HOUSING] * running
        home = next(code for total, code in cumulative if total >= point)
        reach = _stable(f"landlord:{index}") % 6
        at = position[home]
        served.append(
            {in_order[i] for i in range(max(0, at - reach // 2), min(len(in_order), at + reach - reach // 2 + 1))}
        )
        homes.append(home)
    for code in in_order:
        if not any(code in codes for codes in served):
            nearest = min(range(len(homes)), key=lambda i: (abs(position[homes[i]] - position[code]), i))
            served[nearest].add(code)
    seen: dict[str, int] = {}
    specs = []
    for index, (home, codes) in enumerate(zip(homes, served, strict=True)):
        number = seen.get(home, 0)
        seen[home] = number + 1
        form = LANDLORD_FORMS[number % len(LANDLORD_FORMS)]
        name = form.format(places.by_code[home].name) + (f" {number // len(LANDLORD_FORMS) + 1}" if number >= 6 else "")
        weight = 1.0 / (1 + number)  # the first landlord of a city is its largest
        specs.append(_spec(Sector.HOUSING, index, name, False, tuple(sorted(codes)), weight))
    return specs


def municipality_kvk(cbs_code: str) -> str:
    return f"{KVK_MARK}0{cbs_code}"


def arrangement_kvk(index: int) -> str:
    return f"{KVK_MARK}9{index:04d}"
