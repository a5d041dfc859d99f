"""The national-scale data set for the benchmarks of issue 11 (`lcv national_dataset`): the 342
municipalities exchanging through LCV-portaal, a few joint arrangements, ~360 signal partners, their
active agreements, a synthetic postcode table, and a year of processed deliveries with 1,000,000
stored signals plus 150,000 new ones in the month asked for, spread by population.

Deterministic from the seed. `residents()` gives, per municipality, the people the population
register would hold at the data set's addresses, to load a BRP test service with.

- world.py: volume per municipality, partners and where they operate (no seed involved)
- plan.py: which households signal in which month (exact counts)
- people.py: households, their BRP residents and the people as partners know them
- parties.py: organisations, agreements, postcodes in the database
- loading.py: deliveries and signals (COPY)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction

from lcv.agreements.models import Agreement
from lcv.organisations.models import Organisation
from lcv.portal.national import loading, parties
from lcv.portal.national.people import Resident, households_postcodes, postcode_of, residents_of
from lcv.portal.national.plan import Plan, Spec, plan, volumes
from lcv.portal.national.world import KVK_MARK, world
from lcv.signals.models import Delivery, PostcodeRange, Signal

__all__ = ["DataSetError", "Report", "Spec", "build", "reset", "residents"]


class DataSetError(Exception):
    """The data set cannot be made in this database as asked; the message says why and what to do."""


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    already_loaded: bool = False


def _own_deliveries() -> Iterator[str]:
    return iter(
        Delivery.objects.filter(organisation__kvk_number__startswith=KVK_MARK)
        .values_list("client_reference", flat=True)
        .distinct()
    )


def build(spec: Spec, say: Callable[[str], None] = lambda _: None) -> Report:
    """Create what is missing of the data set; signals only when the database has none of the data
    set's yet (all in one transaction). A different data set already loaded is an error: reset first."""
    foreign = parties.foreign_parties()
    if foreign:
        raise DataSetError(
            "this database holds organisations that are not part of the data set (" + ", ".join(foreign) + "); "
            "use a database of its own (a new DATABASE_URL, then `lcv migrate`)"
        )
    loaded = {reference.rsplit("-m", 1)[0] for reference in _own_deliveries()}
    if loaded and loaded != {spec.reference}:
        raise DataSetError(
            f"another data set is loaded ({', '.join(sorted(loaded))}); run with --reset to remove it first"
        )
    report = Report()
    step = _stepper(report, say)
    with step("organisations"):
        report.counts["organisations created"] = parties.create_organisations()
    with step("agreements"):
        report.counts["agreements created"] = parties.create_agreements(spec)
    with step("plan"):
        counts = volumes(spec)
        plans = {code: plan(spec, code, months) for code, months in counts.items()}
    with step("postcodes"):
        report.counts["postcodes created"] = parties.create_postcodes({c: p.households for c, p in plans.items()})
    report.already_loaded = bool(loaded)
    if not loaded:
        _load_signals(spec, plans, report, step, say)
    report.counts["households"] = sum(p.households for p in plans.values())
    report.counts["signals"] = Signal.objects.filter(partner__kvk_number__startswith=KVK_MARK).count()
    report.counts["agreements"] = Agreement.objects.filter(partner__kvk_number__startswith=KVK_MARK).count()
    report.counts["organisations"] = Organisation.objects.filter(kvk_number__startswith=KVK_MARK).count()
    report.counts["postcodes"] = PostcodeRange.objects.count()
    return report


def _load_signals(spec: Spec, plans: dict[str, Plan], report: Report, step: Callable, say: Callable) -> None:
    with transaction.atomic():
        with step("deliveries"):
            ids = loading.load_ids()
            moments = loading.create_deliveries(spec, ids)
        tally = loading.Tally()
        started = time.perf_counter()

        def rows() -> Iterator[dict[str, object]]:
            for place in world().places:
                yield from loading.Municipal(spec, place, plans[place.cbs_code], ids, moments).rows(tally)

        def progress(done: int) -> None:
            say(f"  {done:>9,} signals  {time.perf_counter() - started:6.1f} s")

        with step("signals (generate + COPY)"):
            fields = loading.signal_fields(PROVIDED)
            report.counts["signals written"] = loading.write_signals(rows(), fields, progress)
        with step("deliveries finished"):
            report.counts["deliveries"] = loading.finish_deliveries(moments, tally)
    if connection.vendor == "postgresql":
        with step("analyze"), connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Signal._meta.db_table)}")
    report.kinds = dict(sorted(tally.kinds.items()))
    report.counts["new-month addresses"] = tally.new_addresses
    report.counts["of which signalled in the 6 months before"] = tally.new_repeat_addresses


# the Signal fields the generator fills (loading.Municipal.signals); any other gets its default
PROVIDED = {
    "delivery_id", "row_number", "partner_id", "municipal_party_id", "municipality_id", "agreement_id", "from_cak",
    "customer_number", "initials", "prefix", "surname", "birth_date", "postcode", "house_number",
    "house_number_addition", "street", "city", "phone", "email", "signal_type", "kind", "amount", "arrears_since",
    "days_in_arrears", "warm_transfer", "crisis", "socially_responsible_collection", "personal_contact_attempted",
    "written_reminder_sent", "tenant_did_not_object", "outside_delivery_moment", "without_earlier_signal",
    "beyond_window", "received_at", "identity",
}  # fmt: skip


def reset(say: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Remove the data set's own data (recognised by its KvK numbers and postcode areas), nothing else."""
    removed: dict[str, int] = {}
    with transaction.atomic():
        ours = Organisation.objects.filter(kvk_number__startswith=KVK_MARK)
        removed["signals"] = Signal.objects.filter(delivery__organisation__in=ours).delete()[0]
        removed["deliveries"] = Delivery.objects.filter(organisation__in=ours).delete()[0]
        agreements = Agreement.objects.filter(partner__in=ours) | Agreement.objects.filter(municipal_party__in=ours)
        removed["agreements"] = agreements.delete()[0]
        Organisation.municipalities.through.objects.filter(organisation__in=ours).delete()
        removed["organisations"] = ours.delete()[0]
        municipality = {p.cbs_code: p for p in world().places}
        doomed = [
            pk
            for pk, code, cbs in PostcodeRange.objects.values_list("id", "postcode", "municipality__cbs_code")
            if cbs in municipality and int(code[:4]) in municipality[cbs].areas
        ]
        for start in range(0, len(doomed), 5000):
            PostcodeRange.objects.filter(pk__in=doomed[start : start + 5000]).delete()
        removed["postcodes"] = len(doomed)
    for what, count in removed.items():
        say(f"  removed {count:,} {what}")
    return removed


def residents(spec: Spec, cbs_code: str) -> list[Resident]:
    """The people the BRP holds at the data set's addresses in one municipality (most match the
    signals there; a few percent do not, Resident.mismatch says why). Needs no database."""
    counts = volumes(spec)[cbs_code]
    return residents_of(spec.seed, world().by_code[cbs_code], plan(spec, cbs_code, counts).households, spec.month)


def postcodes(spec: Spec, cbs_code: str) -> list[str]:
    """The data set's postcodes of one municipality."""
    place = world().by_code[cbs_code]
    households = plan(spec, cbs_code, volumes(spec)[cbs_code]).households
    return [postcode_of(place, index) for index in range(households_postcodes(households))]


def _stepper(report: Report, say: Callable[[str], None]) -> Callable:
    from contextlib import contextmanager

    @contextmanager
    def step(name: str) -> Iterator[None]:
        say(f"{name} …")
        started = time.perf_counter()
        yield
        report.seconds[name] = time.perf_counter() - started
        say(f"{name}: {report.seconds[name]:.1f} s")

    return step
