"""Grouping admitted signals into cases per household (R18), set-based in the database.

A run takes the signals of some processed deliveries that no case holds yet and, in one
transaction and a fixed number of statements whatever the volume:

1. makes a case for every household (party, postcode, house number, addition) without an open one,
   complete in one INSERT: the counters and flags of its signals, its BRP status, the number of
   cases at the address closed in the past 6 months, its matching moment (matching.py), score
   (priority.py), tray (triage.py) and deadline (deadlines.py): a row written once costs far less
   than a row written and then updated three times (bench_cases.py);
2. lists the persons at the address (normalised surname + birth date);
3. links each signal to its household's open case and its person; a repeat of a claim the case
   holds, with an amount that is not higher, joins quietly ("geactualiseerd"), anything else is news;
4. recomputes the counters and flags of the cases made earlier that got signals, from all their
   signals, with their score and matching moment, and marks news for their handler;
5. writes the history: "opened" for the new cases, read from themselves, "updated" or "news" for
   the others;
then the tray and deadline of the cases made earlier are set again and the BRP check is queued
(brp_check.py). Rule conditions, score and deadlines are each one SQL definition over named inputs,
which the INSERT fills with a household's figures and the later steps with a case's columns.

Idempotent: a signal is linked once (`CaseSignal.signal` is unique), counters are recomputed from
the links, and a second run over the same deliveries changes nothing. Safe under concurrency: runs
take one lock on PostgreSQL, and the partial unique index `one_open_case_per_household` makes a
second open case for one address impossible in any case.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from lcv.cases import priority
from lcv.cases.models import Case, CaseEvent, CasePerson, CaseSignal, GroupedDelivery
from lcv.core.timing import Steps
from lcv.signals.models import Delivery, DeliveryStatus, Signal

logger = logging.getLogger("lcv.cases")
T = TypeVar("T")

SIGNAL = Signal._meta.db_table
CASE = Case._meta.db_table
LINK = CaseSignal._meta.db_table
PERSON = CasePerson._meta.db_table
EVENT = CaseEvent._meta.db_table
# R18: an earlier case at the address within this period is shown ("eerder gesignaleerd") and weighs
EARLIER_PERIOD = timedelta(days=183)
# any constant: the key of the PostgreSQL advisory lock that serialises grouping runs
LOCK_KEY = 7_411_180
RUN_WORK_MEM = "64MB"


def addition_key(addition: str) -> str:
    """The house-number addition as compared (Python twin of ADDITION_SQL)."""
    return addition.replace(" ", "").replace("-", "").upper()


def _addition_sql(alias: str) -> str:
    return f"UPPER(REPLACE(REPLACE({alias}.house_number_addition, ' ', ''), '-', ''))"


SURNAME_SQL = "LOWER(TRIM(s.surname))"
BIRTH_SQL = "COALESCE(CAST(s.birth_date AS TEXT), '')"


@dataclass(frozen=True)
class Grouped:
    new_cases: int
    linked: int
    affected: int


def _in(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids)  # integers only: safe to inline


def group_deliveries(delivery_ids: Sequence[int], *, now: datetime | None = None) -> Grouped:
    """R18: group the admitted signals of these deliveries into cases. Safe to call again."""
    from lcv.cases import brp_check, deadlines, triage
    from lcv.cases.tasks import brp_check_party_task

    if not delivery_ids:
        return Grouped(0, 0, 0)
    now = now or timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)  # as the ORM stores it (SQLite: naive UTC)
    steps = Steps()
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
                # a run's sorts and hashes span the month's signals: in memory rather than on disk; and
                # no JIT, whose compiling of these wide statements costs more than it saves
                cursor.execute(f"SET LOCAL work_mem = '{RUN_WORK_MEM}'")
                cursor.execute("SET LOCAL jit = off")
            deliveries = _in(sorted(set(delivery_ids)))
            # cases made by this run have higher ids: only runs make cases, and they take turns
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {CASE}")
            made_before = int(cursor.fetchone()[0])
            brp = brp_check.initial_status_sql("s")
            new_cases = steps.run("open", _open_cases, cursor, sorted(set(delivery_ids)), now, stamp, brp)
            steps.run("analyze", _analyze, cursor, new_cases, CASE)
            steps.run("persons", _persons, cursor, deliveries, brp)
            steps.run("analyze persons", _analyze, cursor, new_cases, PERSON)
            linked = steps.run("link", _link, cursor, deliveries, stamp)
            steps.run("analyze links", _analyze, cursor, linked, LINK)
            _mark_grouped(cursor, deliveries, stamp)
            if not linked:
                return Grouped(new_cases, 0, 0)
            _back_to_the_check(cursor, deliveries)
            # the cases made before this run that got signals in it, as a list: the planner then
            # knows how few they are (estimated through the join, it scanned every signal)
            cursor.execute(
                f"SELECT DISTINCT case_id FROM {LINK} WHERE joined_at = %s AND case_id <= {made_before}", [stamp]
            )
            earlier_ids = sorted(row[0] for row in cursor.fetchall())
            earlier = _in(earlier_ids)
            if earlier:
                steps.run("aggregate", _aggregate, cursor, earlier, now, stamp)
            steps.run("history", _history, cursor, earlier, stamp, made_before)
        cases = Case.objects.filter(touched_at=now)
        count = new_cases + len(earlier_ids)
        if earlier:  # the cases made by this run got their tray and deadline when they were made
            updated = cases.filter(pk__lte=made_before)
            steps.run("trays", triage.sort_into_trays, updated, today=timezone.localdate(now))
            steps.run("deadlines", deadlines.refresh, updated)
        for party_id in brp_check.waiting_parties(cases):
            transaction.on_commit(lambda party_id=party_id: brp_check_party_task.enqueue(party_id))  # type: ignore[misc]
        committing = time.perf_counter()
    steps.seconds["commit"] = time.perf_counter() - committing
    logger.info(
        "grouped deliveries: %s new cases, %s signals linked, %s cases affected (%s)", new_cases, linked, count, steps
    )
    return Grouped(new_cases, linked, count)


# After this many new rows in a run the planner's statistics of the table are refreshed at once:
# a month's grouping can grow it by half, and with the old figures PostgreSQL plans its joins as if
# the table were still small (autovacuum would analyse it only after the run).
ANALYZE_AFTER_ROWS = 5_000


# the columns the next statements join and filter on (fewer columns: a faster ANALYZE)
ANALYZED_COLUMNS = {
    CASE: "municipal_party_id, postcode, house_number, addition_key, is_open, touched_at",
    PERSON: "case_id, surname_key, birth_key",
    LINK: "case_id, signal_id",
}


def _analyze(cursor: object, rows: int, table: str) -> None:
    if connection.vendor == "postgresql" and rows >= ANALYZE_AFTER_ROWS:
        cursor.execute(f"ANALYZE {table} ({ANALYZED_COLUMNS[table]})")  # type: ignore[attr-defined]


def _unlinked(deliveries: str) -> str:
    return f"s.delivery_id IN ({deliveries}) AND NOT EXISTS (SELECT 1 FROM {LINK} x WHERE x.signal_id = s.id)"


def _same_household(case: str) -> str:
    return (
        f"{case}.municipal_party_id = s.municipal_party_id AND {case}.postcode = s.postcode "
        f"AND {case}.house_number = s.house_number AND {case}.addition_key = {_addition_sql('s')} AND {case}.is_open"
    )


def _open_cases(cursor: object, delivery_ids: list[int], now: datetime, stamp: object, brp: str) -> int:
    """Step 1: a case for every household of these signals that has no open case, made complete at
    once: the counters and flags of its signals (`_aggregates`), the BRP status (`brp`, an SQL
    expression), the number of cases at the address closed in the past 6 months (R18, "eerder
    gesignaleerd"), the matching moment, the score, the tray and the deadline. A concurrent run
    that made the same case first wins; this one then does nothing for it (ON CONFLICT), and the
    later steps treat that case as an earlier one."""
    from lcv.cases import deadlines, triage

    adapt = connection.ops.adapt_datetimefield_value
    deliveries = _in(delivery_ids)
    source = (
        f"{SIGNAL} s WHERE {_unlinked(deliveries)} AND NOT EXISTS (SELECT 1 FROM {CASE} c WHERE {_same_household('c')})"
    )
    keys = [
        ("party", "s.municipal_party_id"),
        ("postcode", "s.postcode"),
        ("house_number", "s.house_number"),
        ("akey", _addition_sql("s")),
    ]
    extra = [
        ("municipality", "MIN(s.municipality_id)", "MIN"),
        ("addition", "MIN(s.house_number_addition)", "MIN"),
        ("street", "MAX(s.street)", "MAX"),
        ("city", "MAX(s.city)", "MAX"),
        ("brp", f"MAX({brp})", "MAX"),
    ]
    per_party = (
        Signal.objects.filter(delivery_id__in=delivery_ids)
        .values("municipal_party_id")
        .annotate(first=Min("received_at"), last=Max("received_at"))
    )
    spans = {row["municipal_party_id"]: (row["first"], row["last"]) for row in per_party}
    if not spans:
        return 0
    parties = set(spans)
    days = deadlines.days_of(*spans.values())
    offer, offer_params = deadlines.by_day_sql("g.first", days, deadlines.offer_due)
    urgent, urgent_params = deadlines.by_day_sql("g.urgent", days, deadlines.urgent_due)
    due_on, kind = deadlines.running_sql("a.offer_on", "a.urgent_on")
    choice = triage.tray_choice(parties, timezone.localdate(now), _inputs("g", threatening="FALSE"), "g.party")
    entry, entry_params = _entry_sql(now, party="a.party", threatening="FALSE", entered=None)
    index, index_params = (choice.index, choice.params) if choice else ("0", [])
    # VALUES (0, 0, NULL): a join that finds no tray
    mapping = choice.mapping if choice else "(0, 0, CAST(NULL AS INTEGER))"
    score = priority.score_sql_per_party(_inputs("a", threatening="FALSE"), "a.party")
    # MATERIALIZED: each household's figures, earlier cases and tray rule are computed once (inlined,
    # PostgreSQL evaluated the count of earlier cases twice and the rule index once per tray)
    cursor.execute(  # type: ignore[attr-defined]
        f"""
        WITH a AS MATERIALIZED (
            SELECT g.*, {offer} AS offer_on, {urgent} AS urgent_on,
                (SELECT COUNT(*) FROM {CASE} e WHERE e.municipal_party_id = g.party AND e.postcode = g.postcode
                   AND e.house_number = g.house_number AND e.addition_key = g.akey AND NOT e.is_open
                   AND e.closed_at >= %s) AS earlier,
                {index} AS rule_index
            FROM ({_aggregates(keys, source, extra)}) g
        )
        INSERT INTO {CASE} (municipal_party_id, municipality_id, postcode, house_number, addition_key,
            house_number_addition, street, city, opened_at, brp_status, earlier_cases, {_COUNTER_COLUMNS},
            urgent_since, touched_at, enters_at, score, tray_id, due_on, due_kind)
        SELECT a.party, a.municipality, a.postcode, a.house_number, a.akey, a.addition, a.street, a.city, %s,
            a.brp, a.earlier, {_counter_values("a")}, a.urgent, %s, {entry}, {score}, m.column3, {due_on}, {kind}
        FROM a LEFT JOIN (VALUES {mapping}) m ON m.column1 = a.party AND m.column2 = a.rule_index
        WHERE 1 = 1
        ORDER BY a.party, a.postcode, a.house_number, a.akey
        ON CONFLICT DO NOTHING
        """,
        [
            *offer_params,
            *urgent_params,
            adapt(now - EARLIER_PERIOD),
            *index_params,
            stamp,
            stamp,
            *entry_params,
        ],
    )
    return max(cursor.rowcount, 0)  # type: ignore[attr-defined]


def _persons(cursor: object, deliveries: str, brp: str) -> None:
    """Step 2: the persons at the address of these signals' cases, one per normalised surname and
    birth date."""
    cursor.execute(  # type: ignore[attr-defined]
        f"""
        INSERT INTO {PERSON} (case_id, surname_key, birth_key, initials, prefix, surname, birth_date, brp_status)
        SELECT c.id, {SURNAME_SQL}, {BIRTH_SQL}, MAX(s.initials), MAX(s.prefix), MAX(s.surname), MAX(s.birth_date),
            MAX({brp})
        FROM {SIGNAL} s JOIN {CASE} c ON {_same_household("c")}
        WHERE {_unlinked(deliveries)}
        GROUP BY c.id, {SURNAME_SQL}, {BIRTH_SQL}
        ORDER BY c.id
        ON CONFLICT DO NOTHING
        """
    )


def _link(cursor: object, deliveries: str, now: object) -> int:
    """Step 3: every signal into its household's open case, with its person. Quiet: the case
    already holds this partner's claim (customer number, type) with an amount at least as high,
    and it is no shut-off or end-of-supply signal."""
    cursor.execute(  # type: ignore[attr-defined]
        f"""
        INSERT INTO {LINK} (case_id, signal_id, person_id, joined_at, quiet)
        SELECT c.id, s.id, p.id, %s,
            CASE WHEN s.kind NOT IN ('shut_off', 'end_of_supply') AND s.customer_number <> '' AND EXISTS (
                SELECT 1 FROM {LINK} o JOIN {SIGNAL} os ON os.id = o.signal_id
                WHERE o.case_id = c.id AND os.partner_id = s.partner_id AND os.signal_type = s.signal_type
                  AND os.customer_number = s.customer_number AND os.amount >= s.amount
            ) THEN TRUE ELSE FALSE END
        FROM {SIGNAL} s JOIN {CASE} c ON {_same_household("c")}
        LEFT JOIN {PERSON} p ON p.case_id = c.id AND p.surname_key = {SURNAME_SQL} AND p.birth_key = {BIRTH_SQL}
        WHERE {_unlinked(deliveries)}
        ORDER BY s.id
        ON CONFLICT DO NOTHING
        """,
        [now],
    )
    return max(cursor.rowcount, 0)  # type: ignore[attr-defined]


def _back_to_the_check(cursor: object, deliveries: str) -> None:
    """A person new to a case whose BRP check was done sends the case back to the check."""
    cursor.execute(  # type: ignore[attr-defined]
        f"""
        UPDATE {CASE} SET brp_status = 'pending'
        WHERE brp_status NOT IN ('pending', 'retrying', 'off') AND is_open AND id IN (
            SELECT p.case_id FROM {PERSON} p WHERE p.brp_status = 'pending' AND p.case_id IN (
                SELECT l.case_id FROM {LINK} l JOIN {SIGNAL} s ON s.id = l.signal_id
                WHERE s.delivery_id IN ({deliveries})
            )
        )
        """
    )


def _flag(condition: str) -> str:
    return f"MAX(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _aggregates(keys: Sequence[tuple[str, str]], source: str, extra: Sequence[tuple[str, str, str]] = ()) -> str:
    """The counters and flags of the signals of `source` (an SQL FROM clause over signals `s`) per
    key: `keys` are (name, expression), `extra` are (name, aggregate over s, aggregate of those).
    A claim (one partner's customer number and type; without a number, the signal itself) counts
    once, at its highest amount."""
    claim = "CASE WHEN s.customer_number = '' THEN CAST(s.id AS TEXT) ELSE s.customer_number END"
    names = ", ".join(f"q.{name}" for name, _expression in keys)
    return f"""
        SELECT {names}, SUM(q.n) AS n, COUNT(*) AS claims, MAX(q.housing) AS housing, MAX(q.water) AS water,
            MAX(q.energy) AS energy, MAX(q.health) AS health, CAST(ROUND(SUM(q.amount)) AS INTEGER) AS euros,
            MAX(q.days) AS days, MAX(q.crisis) AS crisis, MAX(q.shut_off) AS shut_off,
            MAX(q.end_of_supply) AS end_of_supply, MAX(q.warm) AS warm, MAX(q.youngest) AS youngest,
            MIN(q.first) AS first, MAX(q.last) AS last, MIN(q.urgent) AS urgent
            {"".join(f", {outer}(q.{name}) AS {name}" for name, _inner, outer in extra)}
        FROM (
            SELECT {", ".join(f"{expression} AS {name}" for name, expression in keys)},
                COUNT(*) AS n, MAX(s.amount) AS amount,
                {_flag("s.signal_type = 'rent'")} AS housing, {_flag("s.signal_type = 'water'")} AS water,
                {_flag("s.signal_type IN ('electricity', 'gas', 'heat')")} AS energy,
                {_flag("s.signal_type = 'health_insurance'")} AS health,
                MAX(s.days_in_arrears) AS days, {_flag("s.crisis")} AS crisis,
                {_flag("s.kind = 'shut_off'")} AS shut_off, {_flag("s.kind = 'end_of_supply'")} AS end_of_supply,
                {_flag("s.warm_transfer")} AS warm, MAX(s.birth_date) AS youngest,
                MIN(s.received_at) AS first, MAX(s.received_at) AS last,
                MIN(CASE WHEN s.crisis OR s.kind = 'shut_off' THEN s.received_at END) AS urgent
                {"".join(f", {inner} AS {name}" for name, inner, _outer in extra)}
            FROM {source}
            GROUP BY {", ".join(expression for _name, expression in keys)}, COALESCE(s.partner_id, 0),
                s.signal_type, {claim}
        ) q
        GROUP BY {names}
    """


# the columns the aggregates fill, and their values from aggregates `a` (`_counter_values`)
_COUNTER_COLUMNS = (
    "signal_count, claim_count, has_housing, has_water, has_energy, has_health_insurance, sector_count, "
    "total_euros, max_days_in_arrears, crisis, shut_off, end_of_supply, warm_transfer, youngest_birth_date, "
    "first_received_at, last_signal_at"
)


def _counter_values(a: str) -> str:
    return (
        f"{a}.n, {a}.claims, ({a}.housing = 1), ({a}.water = 1), ({a}.energy = 1), ({a}.health = 1), "
        f"{a}.housing + {a}.water + {a}.energy + {a}.health, {a}.euros, {a}.days, ({a}.crisis = 1), "
        f"({a}.shut_off = 1), ({a}.end_of_supply = 1), ({a}.warm = 1), {a}.youngest, {a}.first, {a}.last"
    )


def _inputs(a: str, *, threatening: str, earlier: str | None = None) -> dict[str, str]:
    """The aggregates `a` as the inputs of the score (priority.py) and the triage rules (triage.py)."""
    return {
        "claims": f"{a}.claims",
        "sectors": f"({a}.housing + {a}.water + {a}.energy + {a}.health)",
        "crisis": f"({a}.crisis = 1)",
        "threatening": threatening,
        "shut_off": f"({a}.shut_off = 1)",
        "end_of_supply": f"({a}.end_of_supply = 1)",
        "euros": f"{a}.euros",
        "days": f"{a}.days",
        "earlier": earlier or f"{a}.earlier",
        "housing": f"({a}.housing = 1)",
        "water": f"({a}.water = 1)",
        "energy": f"({a}.energy = 1)",
        "health_insurance": f"({a}.health = 1)",
        "youngest": f"{a}.youngest",
        "postcode": f"{a}.postcode",
    }


def _entry_sql(now: datetime, *, party: str, threatening: str, entered: str | None) -> tuple[str, list[object]]:
    """R18, R15: the matching moment as SQL over aggregates `a`: urgent signals or a threatening
    situation enter now; an entered case keeps its moment (`entered`: its column, None for a case
    being made); else the party's moment."""
    from lcv.cases.matching import entry_moments

    default, others = entry_moments(now)
    adapt = connection.ops.adapt_datetimefield_value
    urgent = f"(a.crisis = 1 OR a.shut_off = 1 OR a.end_of_supply = 1 OR a.warm = 1 OR {threatening})"
    if entered is None:
        sql = f"CASE WHEN {urgent} THEN %s "
        params: list[object] = [adapt(now)]
    else:
        sql = f"CASE WHEN {urgent} AND ({entered} IS NULL OR {entered} > %s) THEN %s "
        sql += f"WHEN {entered} IS NOT NULL THEN {entered} "
        params = [adapt(now), adapt(now)]
    for moment, parties in others.items():
        sql += f"WHEN {party} IN ({_in(parties)}) THEN %s "
        params.append(adapt(moment))
    return sql + "ELSE %s END", [*params, adapt(default)]


def _aggregate(cursor: object, affected: str, now: datetime, stamp: object) -> None:
    """Step 4: the counters and flags of the cases made earlier that got signals in this run, from
    all their signals, and their score and matching moment. News (a new signal that was not quiet)
    on a case made before this run is marked for its handler."""
    entry, entry_params = _entry_sql(
        now, party=f"{CASE}.municipal_party_id", threatening=f"{CASE}.threatening", entered=f"{CASE}.enters_at"
    )
    inputs = _inputs("a", threatening=f"{CASE}.threatening", earlier=f"{CASE}.earlier_cases")
    source = f"{LINK} l JOIN {SIGNAL} s ON s.id = l.signal_id WHERE l.case_id IN ({affected})"
    news = [("news", "MAX(CASE WHEN l.joined_at = %s AND NOT l.quiet THEN 1 ELSE 0 END)", "MAX")]
    cursor.execute(  # type: ignore[attr-defined]
        f"""
        UPDATE {CASE} SET
            ({_COUNTER_COLUMNS}) = ({_counter_values("a")}),
            touched_at = %s,
            urgent_since = CASE WHEN {CASE}.urgent_since IS NULL OR {CASE}.urgent_since > a.urgent
                THEN a.urgent ELSE {CASE}.urgent_since END,
            enters_at = {entry},
            score = {priority.score_sql_per_party(inputs, f"{CASE}.municipal_party_id")},
            has_news = CASE WHEN a.news = 1 AND {CASE}.opened_at < %s THEN TRUE ELSE {CASE}.has_news END
        FROM ({_aggregates([("case_id", "l.case_id")], source, news)}) a
        WHERE {CASE}.id = a.case_id
        """,
        [stamp, *entry_params, stamp, stamp],
    )


def _history(cursor: object, earlier: str, now: object, made_before: int) -> None:
    """Step 5: one history row per case for this run: opened (the cases this run made, read from
    themselves), updated quietly, or news (`earlier`: the cases made before that got signals)."""
    cursor.execute(  # type: ignore[attr-defined]
        f"""
        INSERT INTO {EVENT} (case_id, at, event, from_status, to_status, detail)
        SELECT c.id, %s, 'opened', '', c.status, CAST(c.signal_count AS TEXT)
        FROM {CASE} c WHERE c.id > {int(made_before)} AND c.opened_at = %s
        ORDER BY c.id
        """,
        [now, now],
    )
    if not earlier:
        return
    cursor.execute(  # type: ignore[attr-defined]
        f"""
        INSERT INTO {EVENT} (case_id, at, event, from_status, to_status, detail)
        SELECT l.case_id, %s,
            CASE WHEN c.opened_at = %s THEN 'opened' WHEN MIN(CASE WHEN l.quiet THEN 1 ELSE 0 END) = 1 THEN 'updated'
                 ELSE 'news' END,
            '', c.status, CAST(COUNT(*) AS TEXT)
        FROM {LINK} l JOIN {CASE} c ON c.id = l.case_id
        WHERE l.case_id IN ({earlier}) AND l.joined_at = %s
        GROUP BY l.case_id, c.opened_at, c.status
        """,
        [now, now, now],
    )


def _mark_grouped(cursor: object, deliveries: str, now: object) -> None:
    cursor.execute(  # type: ignore[attr-defined]
        f"""
        INSERT INTO {GroupedDelivery._meta.db_table} (delivery_id, grouped_at)
        SELECT d.id, %s FROM {Delivery._meta.db_table} d WHERE d.id IN ({deliveries}) AND d.status = %s
        ON CONFLICT DO NOTHING
        """,
        [now, DeliveryStatus.DONE.value],
    )


def ungrouped_deliveries(limit: int = 500) -> list[int]:
    """Processed deliveries with admitted signals whose grouping has not run (the sweep's work)."""
    return list(
        Delivery.objects.filter(status=DeliveryStatus.DONE, accepted__gt=0)
        .exclude(pk__in=GroupedDelivery.objects.values("delivery_id"))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
