"""Which households signal in which month: exact counts per municipality and month (spread by
volume), ~1.3 signals per household, and about 40 % of a month's addresses signalled in the six
months before (DOMAIN.md §6, "history at the address"). Pure arithmetic on the seed: no database."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from lcv.portal.national.world import world

STORED_MONTHS = 12
LOOKBACK = 6
REPEAT_SHARE = 0.40
# signals per household in a month: mean 1.31
PER_HOUSEHOLD = ((1, 0.78), (2, 0.15), (3, 0.05), (4, 0.02))


@dataclass(frozen=True)
class Spec:
    stored: int = 1_000_000
    new: int = 150_000
    seed: int = 1
    month: date = date(2026, 11, 1)  # the first day of the new month

    @property
    def reference(self) -> str:
        """Names the data set in its deliveries (Delivery.client_reference), so a run can tell its
        own data from another run's."""
        return f"landelijke-dataset-{self.seed}-{self.stored}-{self.new}-{self.month:%Y-%m}"


@dataclass(frozen=True)
class Plan:
    households: int
    # per month (0 .. STORED_MONTHS; the last is the new month): (household number, signals)
    months: list[list[tuple[int, int]]]


def month_starts(spec: Spec) -> list[date]:
    starts = []
    for back in range(STORED_MONTHS, -1, -1):
        index = spec.month.year * 12 + spec.month.month - 1 - back
        starts.append(date(index // 12, index % 12 + 1, 1))
    return starts


def split(total: int, weights: list[float]) -> list[int]:
    """`total` over `weights`, exactly (largest remainder)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def volumes(spec: Spec) -> dict[str, list[int]]:
    """CBS code -> signals per month (the stored months growing slightly, as national volume does)."""
    monthly = [*split(spec.stored, [1 + 0.02 * m for m in range(STORED_MONTHS)]), spec.new]
    places = world().places
    per_month = [split(total, [place.share for place in places]) for total in monthly]
    return {place.cbs_code: [counts[i] for counts in per_month] for i, place in enumerate(places)}


def plan(spec: Spec, cbs_code: str, counts: list[int]) -> Plan:
    rng = random.Random(f"{spec.seed}:{cbs_code}:plan")  # noqa: S311 - test data
    sizes = [size for size, _ in PER_HOUSEHOLD]
    weights = [weight for _, weight in PER_HOUSEHOLD]
    recent: list[set[int]] = []
    households = 0
    months: list[list[tuple[int, int]]] = []
    for need in counts:
        pool = sorted(set().union(*recent[-LOOKBACK:])) if recent else []
        chosen: list[tuple[int, int]] = []
        taken: set[int] = set()
        while need > 0:
            size = min(need, rng.choices(sizes, weights)[0])
            number = -1
            if pool and rng.random() < REPEAT_SHARE:
                for _ in range(4):  # a few tries; a small municipality may run out of earlier addresses
                    candidate = pool[rng.randrange(len(pool))]
                    if candidate not in taken:
                        number = candidate
                        break
            if number < 0:
                number = households
                households += 1
            taken.add(number)
            chosen.append((number, size))
            need -= size
        months.append(chosen)
        recent.append(taken)
    return Plan(households=households, months=months)
