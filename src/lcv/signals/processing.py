"""Processing a stored delivery (R10-R15): read it row by row, judge every row, store the admitted
signals and the reasons for every refused row.

Crash-safe and idempotent: rows are handled in chunks, and each chunk's signals, errors, counts
and `rows_done` are committed in one transaction under a lock on the delivery. A run that starts
again (after a killed worker, or a second task for the same delivery) continues after the last
committed chunk, so the result is exactly that of one uninterrupted run.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from lcv.audit.services import record
from lcv.organisations.models import Organisation, SignalSystem
from lcv.signals import rules
from lcv.signals.columns import CAK_REQUIRED, NAMES, REQUIRED
from lcv.signals.hooks import delivery_processed
from lcv.signals.models import Delivery, DeliverySource, DeliveryStatus, RowError, Signal, SignalKind, SignalType
from lcv.signals.reading import FAULT, Row, UnreadableFile, count_rows, detect_encoding, open_rows
from lcv.signals.routing import Router

logger = logging.getLogger("lcv.signals")
ZONE = ZoneInfo("Europe/Amsterdam")
KNOWN = frozenset(NAMES)
FINISHED = (DeliveryStatus.DONE, DeliveryStatus.UNREADABLE, DeliveryStatus.FAILED)
# plain strings for the comparisons made for every row (an enum member compares and hashes slowly)
EARLY = SignalKind.EARLY.value
RENT, HEALTH_INSURANCE = SignalType.RENT.value, SignalType.HEALTH_INSURANCE.value

SIGNAL_COLUMNS = (
    "delivery_id",
    "row_number",
    "partner_id",
    "municipal_party_id",
    "municipality_id",
    "agreement_id",
    "from_cak",
    "customer_number",
    "initials",
    "prefix",
    "surname",
    "birth_date",
    "postcode",
    "house_number",
    "house_number_addition",
    "street",
    "city",
    "phone",
    "email",
    "signal_type",
    "kind",
    "amount",
    "arrears_since",
    "days_in_arrears",
    "warm_transfer",
    "crisis",
    "socially_responsible_collection",
    "personal_contact_attempted",
    "written_reminder_sent",
    "tenant_did_not_object",
    "outside_delivery_moment",
    "without_earlier_signal",
    "received_at",
    "identity",
    "beyond_window",
)
IDENTITY = SIGNAL_COLUMNS.index("identity")
CUSTOMER_NUMBER = SIGNAL_COLUMNS.index("customer_number")
FLAGS = tuple(
    SIGNAL_COLUMNS.index(name) for name in ("outside_delivery_moment", "without_earlier_signal", "beyond_window")
)
ROW_NUMBER = SIGNAL_COLUMNS.index("row_number")


def signal_identity(owner_id: int, values: dict[str, Any]) -> str:
    """When two signals are the same (issue 10): the same deliverer, customer number (or, without one,
    the address and surname), type, kind, arrears start date and amount. A changed amount or a later
    arrears date makes a new signal. Kept as a short hash (an index, no personal data in it)."""
    number = values["klantnummer"].strip().upper()
    who = number or (
        f"{values['postcode']}|{values['huisnummer']}|{values['toevoeging'].upper()}|"
        f"{values['achternaam'].strip().lower()}"
    )
    key = (
        f"{owner_id}|{who}|{values['soort']}|{values['type']}|"
        f"{values['achterstand_sinds'].isoformat()}|{values['bedrag']:.2f}"
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _repeat_message(received_at: datetime, delivery_id: int) -> str:
    when = timezone.localtime(received_at, ZONE).strftime("%d-%m-%Y")
    return f"dit signaal is al aangeleverd op {when} in aanlevering {delivery_id}; het is niet opnieuw aangenomen"


@dataclass
class Outcome:
    signals: list[tuple[Any, ...]] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    repeats: list[tuple[int, str]] = field(default_factory=list)  # (row, Dutch message)
    rejected: int = 0
    customer_numbers: dict[int, str] = field(default_factory=dict)  # refused or repeated row -> klantnummer


class Context:
    """What stays the same for every row of one delivery."""

    def __init__(self, delivery: Delivery) -> None:
        self.delivery = delivery
        self.cak = delivery.source == DeliverySource.CAK
        organisation = delivery.organisation
        self.partner: Organisation | None = None if self.cak else organisation
        self.sector = organisation.sector
        self.received_on: date = timezone.localtime(delivery.received_at, ZONE).date()
        self.router = Router(self.partner)
        self.own_party = organisation.pk if self.cak else None
        # R15: addresses with a vroegsignaal accepted earlier in this run. Together with the database
        # (earlier deliveries and chunks committed before) it gives every earlier vroegsignaal, also
        # while the previous chunk is still being committed (see _process_pipelined).
        self.seen_early: set[tuple[str, int, str]] = set()
        # Signal.identity of the rows admitted earlier in this run -> their row number (a repeat
        # within one file); repeats of earlier deliveries are found when a chunk is committed
        self.seen_identities: dict[str, int] = {}


def _routing_error(values: dict[str, Any], context: Context, municipality_id: int | None) -> tuple[str, str] | None:
    if municipality_id is None:
        return ("postcode", "postcode en huisnummer komen niet voor in de postcodetabel; controleer het leveringsadres")
    party = context.router.party_of.get(municipality_id)
    name = context.router.municipality_names.get(municipality_id, "?")
    if context.cak:
        # FAQ 29: every municipality may receive CAK signals for its own area, also as a member of a
        # joint arrangement (and the arrangement for its members' areas)
        if context.own_party not in context.router.parties_of.get(municipality_id, ()):
            return ("postcode", f"het adres ligt in gemeente {name}, niet in uw gemeente")
        return None
    if party is None or party not in context.router.terms:
        if values.get("type") in rules.URGENT_KINDS:
            # the shut-off rules oblige the notice with or without a covenant agreement; this
            # platform carries it only for a municipality that chose it, under an agreement
            return (
                "postcode",
                f"geen actieve overeenkomst met gemeente {name}; een afsluit- of eindeleveringssignaal moet u "
                "wel melden: doe dat rechtstreeks bij de gemeente",
            )
        return ("postcode", f"geen actieve overeenkomst met gemeente {name}")
    terms = context.router.terms[party]
    if terms.ends_on is not None and context.received_on >= terms.ends_on:
        return (
            "postcode",
            f"de overeenkomst met gemeente {name} is geëindigd per {terms.ends_on:%d-%m-%Y}; "
            "vanaf die dag worden geen signalen meer aangeleverd (artikel 9.3)",
        )
    if terms.signal_system != SignalSystem.PLATFORM:
        chosen = SignalSystem(terms.signal_system).label if terms.signal_system else "nog geen systeem"
        return (
            "postcode",
            f"gemeente {name} ontvangt signalen via {chosen}, niet via LCV-portaal; "
            "lever dit signaal aan via dat systeem",
        )
    return None


def evaluate(rows: list[Row], context: Context, delivery_id: int) -> Outcome:
    """Judge a chunk of rows. Pure apart from two reads (postcode table, earlier signals)."""
    outcome = Outcome()
    parsed: list[tuple[int, dict[str, Any], list[tuple[str, str]]]] = []
    # a file's columns were checked with its header; JSON signals each bring their own keys
    check_keys = context.delivery.file_format == "json"
    for number, raw in rows:
        if FAULT in raw and not check_keys:  # a file's row that could not be read: its reason alone
            outcome.rejected += 1
            outcome.errors.append((number, "", raw[FAULT]))
            continue
        values, errors = rules.parse_row(raw, context.received_on)
        if check_keys:
            if FAULT in raw:
                errors.insert(0, ("", raw[FAULT]))
            unknown = [key for key in raw if key not in KNOWN and key != FAULT]
            errors.extend(
                (key[:50], "onbekend veld; gebruik alleen de velden uit de documentatie") for key in unknown[:3]
            )
        if context.cak:
            if values["soort"] not in (None, HEALTH_INSURANCE) and raw.get("soort"):
                errors.append(("soort", "een CAK-bestand bevat alleen zorgverzekering"))
            errors = [e for e in errors if e[0] not in ("soort", "type") or raw.get(e[0])]
            values["soort"] = HEALTH_INSURANCE
            values["type"] = values["type"] or EARLY
        else:
            error = rules.r10_type_of_sector(values, context.sector)
            if error:
                errors.append(error)
            errors.extend(rules.r11_attestations(values))
        error = rules.r15_kind_fits_type(values)
        if error:
            errors.append(error)
        parsed.append((number, values, errors))

    addresses = [(v["postcode"], v["huisnummer"]) for _, v, e in parsed if v["huisnummer"] and v["postcode"]]
    municipality_of = context.router.municipalities(addresses)
    earlier = _earlier_early_signals(context, parsed) | context.seen_early
    received_at = connection.ops.adapt_datetimefield_value(context.delivery.received_at)
    for number, values, errors in parsed:
        municipality_id = municipality_of.get((values["postcode"], values["huisnummer"]))
        if context.cak:
            party = context.own_party  # the municipality (or arrangement) that uploaded its CAK file
        else:
            party = context.router.party_of.get(municipality_id) if municipality_id else None
        terms = None
        if not errors or not any(e[0] in ("postcode", "huisnummer") for e in errors):
            error = _routing_error(values, context, municipality_id)
            if error:
                errors.append(error)
            elif not context.cak and party is not None:
                terms = context.router.terms[party]
                error = rules.r11_window(values, terms.window)
                if error:
                    errors.append(error)
        if errors:
            outcome.rejected += 1
            outcome.errors.extend((number, column, message) for column, message in errors)
            outcome.customer_numbers[number] = str(values.get("klantnummer") or "")[:100]
            continue
        assert municipality_id is not None
        assert party is not None
        identity = signal_identity(context.delivery.organisation_id, values)
        if identity in context.seen_identities:
            outcome.customer_numbers[number] = str(values.get("klantnummer") or "")[:100]
            outcome.repeats.append(
                (number, f"dit signaal staat al in rij {context.seen_identities[identity]} van deze aanlevering")
            )
            continue
        context.seen_identities[identity] = number
        address = (values["postcode"], values["huisnummer"], values["toevoeging"].upper())
        outside = (
            False
            if context.cak
            else rules.r14_outside_delivery_moment(
                context.received_on, terms.delivery_days if terms else None, values["type"], bool(values["crisis"])
            )
        )
        without_earlier = rules.r15_without_earlier_signal(values["type"], address in earlier)
        if values["type"] == EARLY:
            earlier.add(address)
            context.seen_early.add(address)
        rent = values["soort"] == RENT
        outcome.signals.append(
            (
                delivery_id,
                number,
                context.partner.pk if context.partner else None,
                party,
                municipality_id,
                terms.agreement_id if terms else None,
                context.cak,
                values["klantnummer"],
                values["voorletters"],
                values["tussenvoegsel"],
                values["achternaam"],
                values["geboortedatum"],
                values["postcode"],
                values["huisnummer"],
                values["toevoeging"],
                values["straat"],
                values["woonplaats"],
                values["telefoon"],
                values["email"],
                values["soort"],
                values["type"],
                values["bedrag"],
                values["achterstand_sinds"],
                values["dagen"],
                values["warme_overdracht"],
                values["crisis"],
                bool(values["mvi_toegepast"]),
                bool(values["persoonlijk_contact_gezocht"]),
                values["schriftelijke_herinnering"] if rent else None,
                values["geen_bezwaar_huurder"] if rent else None,
                outside,
                without_earlier,
                received_at,
                identity,
                rules.r11_beyond_window(values, terms.window if terms else None),
            )
        )
    return outcome


def _earlier_early_signals(context: Context, parsed: list[Any]) -> set[tuple[str, int, str]]:
    """R15: addresses (of eindelevering and shut-off rows in this chunk) with an earlier vroegsignaal of
    this partner."""
    if context.partner is None:
        return set()
    wanted = {(v["postcode"], v["huisnummer"]) for _, v, e in parsed if v["type"] in rules.URGENT_KINDS}
    if not wanted:
        return set()
    found = Signal.objects.filter(
        partner=context.partner, kind=SignalKind.EARLY, postcode__in={postcode for postcode, _ in wanted}
    ).values_list("postcode", "house_number", "house_number_addition")
    return {(p, n, a.upper()) for p, n, a in found if (p, n) in wanted}


# PostgreSQL type of each internal field type, for binary COPY (no text formatting and parsing)
PG_COPY_TYPES = {
    "BigAutoField": "int8",
    "AutoField": "int4",
    "PositiveIntegerField": "int4",
    "IntegerField": "int4",
    "BooleanField": "bool",
    "CharField": "text",
    "DateField": "date",
    "DecimalField": "numeric",
    "DateTimeField": "timestamptz",
}


@lru_cache(maxsize=1)
def _copy_types() -> list[str]:
    types = []
    for name in SIGNAL_COLUMNS:
        field = Signal._meta.get_field(name.removesuffix("_id"))
        target = field.target_field if field.is_relation else field  # type: ignore[union-attr]
        types.append(PG_COPY_TYPES[target.get_internal_type()])
    return types


def _insert_signals(rows: list[tuple[Any, ...]]) -> None:
    """Many rows at once: COPY on PostgreSQL, executemany elsewhere (the ORM's bulk_create spends
    most of its time building objects at this size)."""
    table = connection.ops.quote_name(Signal._meta.db_table)
    columns = ", ".join(SIGNAL_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(_copy_types())
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(SIGNAL_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, size)):
        yield chunk


class StoredContent(io.RawIOBase):
    """A delivery's stored bytes, read from the database a megabyte at a time, so a large file is
    never held whole in memory (the content is stored once and never changes). It keeps one block:
    callers that read a few kilobytes at a time (TextIOWrapper) still cost one query per block."""

    BLOCK = 1 << 20

    def __init__(self, delivery_id: int) -> None:
        self.delivery_id = delivery_id
        self.position = 0  # of the next block to fetch
        self.block = b""
        self.offset = 0  # within self.block
        table = connection.ops.quote_name(Delivery._meta.db_table)
        postgres = connection.vendor == "postgresql"
        function = "substring(content FROM %s FOR %s)" if postgres else "substr(content, %s, %s)"
        self.sql = f"SELECT {function} FROM {table} WHERE id = %s"  # noqa: S608

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.offset >= len(self.block):
            with connection.cursor() as cursor:
                cursor.execute(self.sql, [self.position + 1, self.BLOCK, self.delivery_id])
                found = cursor.fetchone()
            self.block = bytes(found[0] or b"") if found else b""
            self.offset = 0
            self.position += len(self.block)
            if not self.block:
                return 0
        data = self.block[self.offset : self.offset + len(buffer)]
        buffer[: len(data)] = data
        self.offset += len(data)
        return len(data)


def _opener(delivery_id: int) -> Any:
    return lambda: io.BufferedReader(StoredContent(delivery_id))


def process_delivery(delivery_id: int, *, chunk_size: int | None = None) -> Delivery:
    """Process (or continue processing) one delivery. Safe to call again at any moment."""
    chunk_size = chunk_size or settings.LCV_SIGNAL_CHUNK_ROWS
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().select_related("organisation").defer("content").get(pk=delivery_id)
        )
        if delivery.status in FINISHED:
            return delivery
        if delivery.started_at is None:
            delivery.started_at = timezone.now()
        delivery.status = DeliveryStatus.PROCESSING
        delivery.heartbeat_at = timezone.now()
        delivery.attempts += 1
        delivery.save(update_fields=["status", "started_at", "heartbeat_at", "attempts"])
    required = CAK_REQUIRED if delivery.source == DeliverySource.CAK else REQUIRED
    try:
        if delivery.file_format == "csv" and not delivery.encoding:
            # detected once, kept for the delivery's page (a file read as Windows-1252 is told so)
            delivery.encoding = detect_encoding(_opener(delivery.pk))
            Delivery.objects.filter(pk=delivery_id).update(encoding=delivery.encoding)
        encoding = delivery.encoding or None
        if delivery.rows_total is None:
            total = count_rows(_opener(delivery.pk), delivery.file_format, required, encoding)
            Delivery.objects.filter(pk=delivery_id, rows_total__isnull=True).update(rows_total=total)
            delivery.rows_total = total
        rows = open_rows(_opener(delivery.pk), delivery.file_format, required, encoding)
        context = Context(delivery)
        chunks = _chunks(islice(rows, delivery.rows_done, None), chunk_size)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            _process_pipelined(chunks, context, delivery_id, delivery.rows_done)
        else:
            _process_in_turn(chunks, context, delivery_id, delivery.rows_done)
    except UnreadableFile as error:
        return _unreadable(delivery_id, str(error))
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().select_related("organisation").defer("content").get(pk=delivery_id)
        )
        if delivery.status == DeliveryStatus.PROCESSING and delivery.rows_done >= (delivery.rows_total or 0):
            delivery.status = DeliveryStatus.DONE
            delivery.finished_at = timezone.now()
            delivery.save(update_fields=["status", "finished_at"])
            transaction.on_commit(lambda: delivery_processed.send(sender=Delivery, delivery_id=delivery_id))
            record(
                action="signals.delivery_processed",
                organisation=delivery.organisation,
                obj=delivery,
                details={
                    "accepted": delivery.accepted,
                    "rejected": delivery.rejected,
                    "repeated": delivery.repeated,
                    "flagged": delivery.flagged,
                },
            )
    return delivery


def _unreadable(delivery_id: int, message: str) -> Delivery:
    """The file as a whole is unreadable (also when that shows only half-way, e.g. an Excel file that
    exceeds its reading budget): nothing of it is kept, and it is finished, so it is not retried."""
    with transaction.atomic():
        Delivery.objects.select_for_update().defer("content").get(pk=delivery_id)
        Signal.objects.filter(delivery_id=delivery_id).delete()
        RowError.objects.filter(delivery_id=delivery_id).delete()
        Delivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.UNREADABLE,
            error=message[:500],
            finished_at=timezone.now(),
            rows_done=0,
            accepted=0,
            rejected=0,
            flagged=0,
        )
    logger.info("delivery %s unreadable", delivery_id)
    return Delivery.objects.defer("content").get(pk=delivery_id)


def _process_in_turn(chunks: Iterator[list[Row]], context: Context, delivery_id: int, done: int) -> None:
    for chunk in chunks:
        outcome = evaluate(chunk, context, delivery_id)
        if not _commit_chunk(delivery_id, done, len(chunk), outcome):
            return  # another run got there first; it finishes the delivery
        done += len(chunk)


def _process_pipelined(chunks: Iterator[list[Row]], context: Context, delivery_id: int, done: int) -> None:
    """The same, but chunk n is committed (in a second thread, with its own database connection)
    while chunk n+1 is read and judged: the database work (COPY, foreign-key checks, commit) then
    overlaps the Python work instead of following it. Commits stay in order, one at a time, each
    under the lock on the delivery, so a stop at any moment leaves the same state as before."""
    from concurrent.futures import Future, ThreadPoolExecutor

    from django.db import connections

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lcv-commit") as committer:
        pending: Future[bool] | None = None
        try:
            for chunk in chunks:
                outcome = evaluate(chunk, context, delivery_id)
                if pending is not None and not pending.result():
                    return  # another run got there first; it finishes the delivery
                pending = committer.submit(_commit_chunk, delivery_id, done, len(chunk), outcome)
                done += len(chunk)
            if pending is not None:
                pending.result()  # raises what the commit raised
        finally:
            if pending is not None:
                pending.exception()  # wait for the last commit before the thread's connection closes
            committer.submit(connections.close_all).result()


def _without_earlier_deliveries(delivery: Delivery, outcome: Outcome) -> list[tuple[Any, ...]]:
    """The chunk's signals that this organisation did not deliver before; the others become repeats.
    Run while holding the lock on the organisation, so two deliveries committed at the same moment
    cannot both admit the same signal."""
    Organisation.objects.select_for_update().filter(pk=delivery.organisation_id).values_list("pk").get()
    identities = [signal[IDENTITY] for signal in outcome.signals]
    earlier: dict[str, tuple[int, datetime]] = {}
    for start in range(0, len(identities), 1000):  # bounded IN lists
        for identity, earlier_delivery, received in Signal.objects.filter(
            identity__in=identities[start : start + 1000]
        ).values_list("identity", "delivery_id", "received_at"):
            earlier.setdefault(identity, (earlier_delivery, received))
    if not earlier:
        return outcome.signals
    fresh = []
    for signal in outcome.signals:
        found = earlier.get(signal[IDENTITY])
        if found is None:
            fresh.append(signal)
        else:
            outcome.repeats.append((signal[ROW_NUMBER], _repeat_message(found[1], found[0])))
            outcome.customer_numbers[signal[ROW_NUMBER]] = str(signal[CUSTOMER_NUMBER] or "")[:100]
    return fresh


def _commit_chunk(delivery_id: int, start: int, size: int, outcome: Outcome) -> bool:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().defer("content").get(pk=delivery_id)
        if delivery.rows_done != start:
            return False
        signals = _without_earlier_deliveries(delivery, outcome) if outcome.signals else []
        if connection.vendor == "postgresql":
            # A chunk lost in a database crash is simply processed again (rows_done is in this same
            # transaction), so this commit need not wait for the disk; the delivery itself was
            # stored with a normal, durable commit before processing started.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        if signals:
            _insert_signals(signals)
        if outcome.errors or outcome.repeats:
            RowError.objects.bulk_create(
                [
                    RowError(
                        delivery_id=delivery_id,
                        row_number=n,
                        field=f,
                        message=m[:300],
                        customer_number=outcome.customer_numbers.get(n, ""),
                    )
                    for n, f, m in outcome.errors
                ]
                + [
                    RowError(
                        delivery_id=delivery_id,
                        row_number=n,
                        message=m[:300],
                        repeat=True,
                        customer_number=outcome.customer_numbers.get(n, ""),
                    )
                    for n, m in outcome.repeats
                ]
            )
        delivery.rows_done = start + size
        delivery.accepted += len(signals)
        delivery.rejected += outcome.rejected
        delivery.repeated += len(outcome.repeats)
        delivery.flagged += sum(1 for signal in signals if any(signal[flag] for flag in FLAGS))
        delivery.heartbeat_at = timezone.now()
        delivery.save(update_fields=["rows_done", "accepted", "rejected", "repeated", "flagged", "heartbeat_at"])
    return True


MAX_ATTEMPTS = 5
GIVEN_UP = (
    "De verwerking is na {attempts} pogingen gestopt door een fout in het portaal; er is niets van deze "
    "aanlevering aangenomen. De helpdesk is gewaarschuwd. Lever het bestand later opnieuw aan."
)


def resume_stalled(*, stalled_after: timedelta | None = None) -> list[int]:
    """Queue again every delivery that is waiting or half done and has shown no progress for a while
    (its worker was stopped or killed). Processing continues after the last committed chunk. A
    delivery whose runs keep stopping (MAX_ATTEMPTS) is given up, all or nothing (give_up)."""
    from lcv.signals.tasks import process_delivery_task

    if stalled_after is None:
        stalled_after = timedelta(minutes=settings.LCV_SIGNAL_STALLED_MINUTES)
    before = timezone.now() - stalled_after
    stalled = list(
        Delivery.objects.filter(status__in=[DeliveryStatus.RECEIVED, DeliveryStatus.PROCESSING])
        .filter(Q(heartbeat_at__lte=before) | Q(heartbeat_at__isnull=True, received_at__lte=before))
        .values_list("id", "attempts")
    )
    queued = []
    for delivery_id, attempts in stalled:
        if attempts >= MAX_ATTEMPTS:
            give_up(delivery_id)
            continue
        process_delivery_task.enqueue(delivery_id)
        logger.info("delivery %s queued again after a stall", delivery_id)
        queued.append(delivery_id)
    return queued


def give_up(delivery_id: int) -> None:
    """All or nothing: a delivery that cannot be processed keeps none of its signals or row errors
    (the stored file stays, so it can be looked into and delivered again)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().defer("content").get(pk=delivery_id)
        if delivery.status in FINISHED:
            return
        Signal.objects.filter(delivery=delivery).delete()
        RowError.objects.filter(delivery=delivery).delete()
        delivery.status = DeliveryStatus.FAILED
        delivery.error = GIVEN_UP.format(attempts=delivery.attempts)
        delivery.rows_done = delivery.accepted = delivery.rejected = delivery.flagged = delivery.repeated = 0
        delivery.finished_at = timezone.now()
        delivery.save()
        record(
            action="signals.delivery_given_up",
            organisation=delivery.organisation,
            obj=delivery,
            details={"attempts": delivery.attempts},
        )
    logger.error("delivery %s given up after %s attempts", delivery_id, delivery.attempts)
