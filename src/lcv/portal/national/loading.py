"""Deliveries and signals of the national data set: one processed delivery per partner per month,
and the signals in it, written with COPY on PostgreSQL (executemany elsewhere). The columns are the
Signal model's concrete fields, so a column added later with a default does not break the load."""

from __future__ import annotations

import bisect
import hashlib
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Field

from lcv.agreements.models import Agreement, AgreementStatus
from lcv.agreements.reference import current_template
from lcv.organisations.models import Municipality, Organisation, OrganisationKind
from lcv.portal.national.people import Household, household
from lcv.portal.national.plan import LOOKBACK, Plan, Spec, month_starts
from lcv.portal.national.world import JOINT_ARRANGEMENTS, Place, arrangement_kvk, municipality_kvk, partners, world
from lcv.signals import rules
from lcv.signals.models import Delivery, DeliverySource, DeliveryStatus, Signal
from lcv.signals.processing import signal_identity

ZONE = ZoneInfo("Europe/Amsterdam")
# (sector, signal type, weight). FACTS.md 2023: health insurers 45 %, energy 25 %, rent 19 %, the rest
# water; only the 45 % of households that rent can have a rent signal, hence its larger weight.
SLOTS = (
    ("health_insurance", "health_insurance", 0.45),
    ("energy", "electricity", 0.15),
    ("energy", "gas", 0.10),
    ("water", "water", 0.11),
    ("housing", "rent", 0.59),
)
# euros a month behind, (mean, spread)
MONTHLY = {
    "health_insurance": (150, 15),
    "electricity": (120, 40),
    "gas": (110, 40),
    "heat": (90, 20),
    "water": (22, 5),
    "rent": (750, 200),
}
CENT = Decimal("0.01")
# (cumulative probability, kind) of an energy signal, with and without an earlier vroegsignaal
EARLIER_ENERGY = ((0.6, "end_of_supply"), (0.8, "updated"), (0.9, "shut_off"), (1.0, "early"))
FIRST_ENERGY = ((0.77, "early"), (0.92, "end_of_supply"), (1.0, "shut_off"))
# database type per model field type, for binary COPY
PG_TYPES = {
    "AutoField": "int4",
    "BigAutoField": "int8",
    "BigIntegerField": "int8",
    "IntegerField": "int4",
    "PositiveIntegerField": "int4",
    "PositiveSmallIntegerField": "int2",
    "SmallIntegerField": "int2",
    "BooleanField": "bool",
    "CharField": "text",
    "TextField": "text",
    "DateField": "date",
    "DateTimeField": "timestamptz",
    "DecimalField": "numeric",
    "UUIDField": "uuid",
    "JSONField": "jsonb",
}


@dataclass
class Ids:
    """Database ids of the data set's parties, and who serves where."""

    municipality: dict[str, int]
    party: dict[str, int]  # CBS code -> the party receiving its signals (its arrangement, else itself)
    partner: dict[str, int]  # KvK -> id
    code: dict[int, str]  # partner id -> prefix of its customer numbers
    serving: dict[tuple[str, str], tuple[list[int], list[float]]]  # (CBS, sector) -> partners, cumulative weights
    agreement: dict[tuple[int, int], int]
    windows: dict[str, Any]


def load_ids() -> Ids:
    specs = partners()
    org = dict(Organisation.objects.values_list("kvk_number", "id"))
    party = {place.cbs_code: org[municipality_kvk(place.cbs_code)] for place in world().places}
    for index, (_, members) in enumerate(JOINT_ARRANGEMENTS):
        party.update(dict.fromkeys(members, org[arrangement_kvk(index)]))
    serving: dict[tuple[str, str], tuple[list[int], list[float]]] = {}
    everywhere = [place.cbs_code for place in world().places]
    for spec in specs:
        for code in spec.cbs_codes if not spec.national else everywhere:
            ids, cumulative = serving.setdefault((code, spec.sector.value), ([], []))
            ids.append(org[spec.kvk])
            cumulative.append((cumulative[-1] if cumulative else 0.0) + spec.weight)
    return Ids(
        municipality=dict(Municipality.objects.values_list("cbs_code", "id")),
        party=party,
        partner={spec.kvk: org[spec.kvk] for spec in specs},
        code={org[spec.kvk]: f"{spec.sector.value[0].upper()}{spec.kvk[-3:]}-" for spec in specs},
        serving=serving,
        agreement={
            (p, q): a
            for p, q, a in Agreement.objects.filter(
                status=AgreementStatus.ACTIVE, partner__kind=OrganisationKind.SIGNAL_PARTNER
            ).values_list("municipal_party_id", "partner_id", "id")
        },
        windows=current_template().windows,
    )


@dataclass(frozen=True)
class Moment:
    delivery_id: int
    received_at: datetime
    received_on: date


def create_deliveries(spec: Spec, ids: Ids) -> dict[tuple[int, int], Moment]:
    """One processed API delivery per partner per month, mostly between the 20th and 25th (R14)."""
    starts = month_starts(spec)
    planned: list[tuple[int, int, datetime]] = []
    for kvk, partner_id in sorted(ids.partner.items()):
        for index, start in enumerate(starts):
            rng = random.Random(f"{spec.seed}:delivery:{kvk}:{index}")  # noqa: S311 - test data
            day = rng.randint(20, 25) if rng.random() < 0.93 else rng.choice((2, 5, 9, 12, 15, 27, 28))
            moment = datetime.combine(start.replace(day=day), time(rng.randint(7, 17), rng.randrange(60)), ZONE)
            planned.append((partner_id, index, moment))
    created = Delivery.objects.bulk_create(
        [
            Delivery(
                organisation_id=partner_id,
                source=DeliverySource.API,
                client_reference=f"{spec.reference}-m{index:02d}",
                file_format="json",
                content=b"",
                sha256=hashlib.sha256(f"{spec.reference}-{partner_id}-{index}".encode()).hexdigest(),
                status=DeliveryStatus.DONE,
            )
            for partner_id, index, _ in planned
        ],
        batch_size=2000,
    )
    table = connection.ops.quote_name(Delivery._meta.db_table)
    with connection.cursor() as cursor:  # received_at is auto_now_add: set the real moments afterwards
        cursor.executemany(
            f"UPDATE {table} SET received_at = %s, started_at = %s, heartbeat_at = %s, finished_at = %s "  # noqa: S608
            "WHERE id = %s",
            [
                (m, m, m + timedelta(minutes=2), m + timedelta(minutes=2), d.pk)
                for (_, _, m), d in zip(planned, created, strict=True)
            ],
        )
    return {
        (partner_id, index): Moment(delivery.pk, moment, moment.date())
        for (partner_id, index, moment), delivery in zip(planned, created, strict=True)
    }


@dataclass
class Tally:
    rows: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # delivery -> signals
    flagged: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # "energy:end_of_supply" -> n
    new_addresses: int = 0
    new_repeat_addresses: int = 0


class Municipal:
    """Generates one municipality's signals in plan order."""

    def __init__(self, spec: Spec, place: Place, plan: Plan, ids: Ids, moments: dict[tuple[int, int], Moment]):
        self.spec, self.place, self.plan, self.ids, self.moments = spec, place, plan, ids, moments
        self.rng = random.Random(f"{spec.seed}:{place.cbs_code}:signals")  # noqa: S311 - test data
        self.homes: dict[int, Household] = {}
        self.early: dict[int, set[str]] = defaultdict(set)  # household -> sectors with an earlier vroegsignaal
        self.party = ids.party[place.cbs_code]
        self.municipality = ids.municipality[place.cbs_code]

    def home(self, number: int) -> Household:
        found = self.homes.get(number)
        if found is None:
            found = household(self.spec.seed, self.place, number, self.plan.households, self.spec.month)
            self.homes[number] = found
        return found

    def rows(self, tally: Tally) -> Iterator[dict[str, Any]]:
        last = len(self.plan.months) - 1
        before = {number for chosen in self.plan.months[max(0, last - LOOKBACK) : last] for number, _ in chosen}
        new = self.plan.months[last]
        tally.new_addresses += len(new)
        tally.new_repeat_addresses += sum(1 for number, _ in new if number in before)
        for month, chosen in enumerate(self.plan.months):
            for number, size in chosen:
                yield from self.signals(month, self.home(number), size, tally)

    def slots(self, home: Household, size: int) -> list[tuple[str, str]]:
        pool = [(sector, "heat" if kind == "gas" and home.heat else kind, w) for sector, kind, w in SLOTS]
        if not home.rents:
            pool = [slot for slot in pool if slot[0] != "housing"]
        picked = []
        for _ in range(size):
            slot = self.rng.choices(pool, [w for _, _, w in pool])[0]
            pool.remove(slot)
            picked.append((slot[0], slot[1]))
        return picked

    def kind(self, sector: str, earlier: bool) -> str:
        draw = self.rng.random()
        if sector == "energy":
            # FACTS.md: a quarter of energy signals are eindeleveringssignalen, mostly after a vroegsignaal
            choices = EARLIER_ENERGY if earlier else FIRST_ENERGY
            return next(kind for limit, kind in choices if draw < limit)
        if sector == "water":
            return "shut_off" if draw < (0.15 if earlier else 0.06) else "early"
        return "early"

    def signals(self, month: int, home: Household, size: int, tally: Tally) -> Iterator[dict[str, Any]]:
        rng = self.rng
        person = home.signalled[0 if len(home.signalled) == 1 or rng.random() < 0.75 else 1]
        address = home.address
        for sector, signal_type in self.slots(home, size):
            partners_here, cumulative = self.ids.serving[(self.place.cbs_code, sector)]
            partner = partners_here[bisect.bisect_left(cumulative, home.draws[sector] * cumulative[-1])]
            moment = self.moments[(partner, month)]
            earlier = sector in self.early[home.number]
            kind = self.kind(sector, earlier)
            if kind == "early":
                self.early[home.number].add(sector)
            days = self.days(sector)
            since = moment.received_on - timedelta(days=days)
            mean, spread = MONTHLY[signal_type]
            amount = max(Decimal(15), Decimal(rng.gauss(mean, spread) * days / 30).quantize(CENT))
            crisis = rng.random() < (0.4 if kind == "shut_off" else 0.02 if sector == "housing" else 0.01)
            number = f"{self.ids.code[partner]}{self.place.cbs_code}{home.number:06d}"
            values = {"dagen": days, "achterstand_sinds": since}
            row = {
                "delivery_id": moment.delivery_id,
                "partner_id": partner,
                "municipal_party_id": self.party,
                "municipality_id": self.municipality,
                "agreement_id": self.ids.agreement[(self.party, partner)],
                "from_cak": False,
                "customer_number": number,
                "initials": person.initials,
                "prefix": person.prefix,
                "surname": person.surname,
                "birth_date": person.birth_date,
                "postcode": address.postcode,
                "house_number": address.house_number,
                "house_number_addition": address.addition,
                "street": address.street,
                "city": address.city,
                "phone": home.phone,
                "email": home.email,
                "signal_type": signal_type,
                "kind": kind,
                "amount": amount,
                "arrears_since": since,
                "days_in_arrears": days,
                "warm_transfer": rng.random() < 0.04,
                "crisis": crisis,
                "socially_responsible_collection": True,
                "personal_contact_attempted": True,
                "written_reminder_sent": True if sector == "housing" else None,
                "tenant_did_not_object": True if sector == "housing" else None,
                "outside_delivery_moment": rules.r14_outside_delivery_moment(moment.received_on, None, kind, crisis),
                "without_earlier_signal": rules.r15_without_earlier_signal(kind, earlier),
                "beyond_window": rules.r11_beyond_window(values, self.ids.windows.get(sector)),
                "received_at": moment.received_at,
            }
            row["identity"] = signal_identity(
                partner,
                {
                    "klantnummer": number,
                    "postcode": address.postcode,
                    "huisnummer": address.house_number,
                    "toevoeging": address.addition,
                    "achternaam": person.surname,
                    "soort": signal_type,
                    "type": kind,
                    "achterstand_sinds": since,
                    "bedrag": amount,
                },
            )
            tally.kinds[f"{sector}:{kind}"] += 1
            if row["outside_delivery_moment"] or row["without_earlier_signal"] or row["beyond_window"]:
                tally.flagged[moment.delivery_id] += 1
            tally.rows[moment.delivery_id] += 1
            row["row_number"] = tally.rows[moment.delivery_id] + 1  # row 1 is a file's header
            yield row

    def days(self, sector: str) -> int:
        rng = self.rng
        if sector == "health_insurance":  # art. 3.1: 30 to 100 days; a few later (flagged, R11)
            return rng.randint(101, 200) if rng.random() < 0.03 else 30 + int(70 * rng.random() ** 1.5)
        return min(365, 30 + int(rng.expovariate(1 / 50)))


def signal_fields(provided: set[str]) -> list[Field[Any, Any]]:
    """The columns to write: every concrete field but the id, and but a field the database fills
    itself (db_default) when the generator has no value for it."""
    return [
        f
        for f in Signal._meta.concrete_fields
        if not f.primary_key and (f.attname in provided or not f.has_db_default())
    ]


def write_signals(
    rows: Iterator[dict[str, Any]], fields: list[Field[Any, Any]], progress: Callable[[int], None]
) -> int:
    names = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    table = connection.ops.quote_name(Signal._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = [PG_TYPES[(f.target_field if f.is_relation else f).get_internal_type()] for f in fields]  # type: ignore[attr-defined]
            with (
                _keys_and_indexes_afterwards(cursor, Signal._meta.db_table),
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types(types)
                for row in rows:
                    copy.write_row([row[n] if n in row else defaults[n] for n in names])
                    written += 1
                    if written % 100_000 == 0:
                        progress(written)
            return written
        placeholders = ", ".join(["%s"] * len(fields))
        batch: list[list[Any]] = []
        for row in rows:
            batch.append([row[n] if n in row else defaults[n] for n in names])
            if len(batch) == 5000:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch)  # noqa: S608
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch)  # noqa: S608
            written += len(batch)
    return written


@contextmanager
def _keys_and_indexes_afterwards(cursor: Any, table: str) -> Iterator[None]:
    """As pg_restore does: drop the table's foreign keys and plain indexes, load, and create them
    again exactly as they were (pg_get_constraintdef / pg_get_indexdef), all in the caller's
    transaction. One set-based check per key and one index build are far cheaper than a trigger and
    an index insertion per row (the keys are deferred: 1.15 M rows x 5 keys waited for the commit)."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    keys = cursor.fetchall()
    # the deliveries made in this transaction have deferred key checks pending, and PostgreSQL
    # alters no table with pending trigger events: check them now
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary",
        [table],
    )
    indexes = cursor.fetchall()
    quoted = connection.ops.quote_name(table)
    for name, _ in keys:
        cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    for _, definition in indexes:
        cursor.execute(definition)
    for name, definition in keys:
        cursor.execute(f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def finish_deliveries(moments: dict[tuple[int, int], Moment], tally: Tally) -> int:
    """Counts on every delivery as processing leaves them; a delivery without signals is removed."""
    table = connection.ops.quote_name(Delivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET rows_total = %s, rows_done = %s, accepted = %s, flagged = %s WHERE id = %s",  # noqa: S608
            [(n, n, n, tally.flagged.get(d, 0), d) for d, n in tally.rows.items()],
        )
    empty = [m.delivery_id for m in moments.values() if m.delivery_id not in tally.rows]
    Delivery.objects.filter(pk__in=empty).delete()
    return len(moments) - len(empty)
