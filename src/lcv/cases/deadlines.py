"""Deadlines of case handling (R15, R19): one calculation, on the working-day calendar.

- An offer of help within 4 weeks of receipt of the case's first signal (FAQ 33).
- Within 3 working days for a crisis or shut-off signal, from its receipt, and when the handler
  marks the situation threatening, from that moment (FAQ 30).
- A plan within 8 weeks after the resident accepted help (Wgs; FAQ 39).
A term in weeks that ends on a weekend day or public holiday ends on the next working day (as the
Algemene termijnenwet does). The first contact attempt is the offer of help: after it no offer
deadline runs; closing the case ends every deadline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import DateField, F, Max, Min, QuerySet
from django.db.models.expressions import RawSQL

from lcv.cases.models import Case, CaseStatus, DueKind
from lcv.core.calendar import add_working_days, is_working_day

ZONE = ZoneInfo("Europe/Amsterdam")
OFFER_TERM = timedelta(weeks=4)
URGENT_WORKING_DAYS = 3
PLAN_TERM = timedelta(weeks=8)
CHUNK = 2000


def _on_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def local_date(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def offer_due(received: date) -> date:
    """R19: 4 weeks from receipt (FAQ 33)."""
    return _on_working_day(received + OFFER_TERM)


def urgent_due(since: date) -> date:
    """R15: 3 working days (FAQ 30); the day of receipt itself does not count."""
    return add_working_days(since, URGENT_WORKING_DAYS)


def plan_due(accepted: date) -> date:
    """Wgs: a plan within 8 weeks after help was accepted (FAQ 39)."""
    return _on_working_day(accepted + PLAN_TERM)


def due(
    *,
    status: str,
    first_received_at: datetime,
    urgent_since: datetime | None,
    first_action_at: datetime | None,
    help_accepted_on: date | None,
) -> tuple[date | None, str]:
    """The deadline that runs now for a case in this state, and which one it is."""
    if status == CaseStatus.CLOSED:
        return None, ""
    if status == CaseStatus.HELP_ACCEPTED and help_accepted_on is not None:
        return plan_due(help_accepted_on), DueKind.PLAN
    if first_action_at is not None:
        return None, ""
    offer = offer_due(local_date(first_received_at))
    if urgent_since is not None:
        urgent = urgent_due(local_date(urgent_since))
        if urgent <= offer:
            return urgent, DueKind.URGENT
    return offer, DueKind.FIRST_ACTION


def due_of(case: Case) -> tuple[date | None, str]:
    return due(
        status=case.status,
        first_received_at=case.first_received_at,
        urgent_since=case.urgent_since,
        first_action_at=case.first_action_at,
        help_accepted_on=case.help_accepted_on,
    )


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    after = day + timedelta(days=1)
    return start, datetime(after.year, after.month, after.day, tzinfo=ZONE)


def _days(first: datetime, last: datetime) -> list[date]:
    day, end = local_date(first), local_date(last)
    return [day + timedelta(days=n) for n in range((end - day).days + 1)]


def by_day_sql(moment: str, days: list[date], due_of_day: Callable[[date], date]) -> tuple[str, list[object]]:
    """The deadline from the local day of `moment` (an SQL expression) as one CASE over the few
    days involved: the calendar is asked once per day, not once per case. NULL when `moment` is NULL
    or on none of these days."""
    adapt = connection.ops.adapt_datetimefield_value
    branches: list[str] = []
    params: list[object] = []
    for day in days:
        start, end = _day_bounds(day)
        branches.append(f"WHEN {moment} >= %s AND {moment} < %s THEN %s")
        params += [adapt(start), adapt(end), connection.ops.adapt_datefield_value(due_of_day(day))]
    if not branches:
        return "NULL", []
    return f"(CASE {' '.join(branches)} END)", params


def running_sql(offer: str, urgent: str) -> tuple[str, str]:
    """R15, R19 for an open case without action yet: the deadline that runs and its kind, as SQL
    over its offer deadline and its urgent deadline (column names; `urgent` NULL when no urgent
    term runs). The twin of the last lines of `due`; parameter-free, so the columns come from a
    subquery that computed them with `by_day_sql`."""
    urgent_first = f"{urgent} IS NOT NULL AND {urgent} <= {offer}"
    return (
        f"(CASE WHEN {urgent_first} THEN {urgent} ELSE {offer} END)",
        f"(CASE WHEN {urgent_first} THEN '{DueKind.URGENT.value}' ELSE '{DueKind.FIRST_ACTION.value}' END)",
    )


def days_of(*spans: tuple[datetime | None, datetime | None]) -> list[date]:
    """The local days of these (first, last) spans, in order (a span without a first is empty)."""
    days: set[date] = set()
    for first, last in spans:
        if first is not None and last is not None:
            days.update(_days(first, last))
    return sorted(days)


def refresh(cases: QuerySet[Case]) -> None:
    """Store the running deadline of these cases in a few statements whatever their number.

    The usual case at grouping (open, no action yet, help not accepted) is set in one statement by
    `by_day_sql` and `running_sql` (grouping sets new cases' deadlines with the same two); the few
    others are computed one by one with `due`."""
    usual = cases.filter(
        is_open=True, first_action_at__isnull=True, status__in=[CaseStatus.NEW, CaseStatus.IN_PROGRESS]
    )
    span = usual.aggregate(
        first=Min("first_received_at"),
        last=Max("first_received_at"),
        since=Min("urgent_since"),
        until=Max("urgent_since"),
    )
    days = days_of((span["first"], span["last"]), (span["since"], span["until"]))
    if days:
        table = Case._meta.db_table
        offer, offer_params = by_day_sql(f'"{table}"."first_received_at"', days, offer_due)
        urgent, urgent_params = by_day_sql(f'"{table}"."urgent_since"', days, urgent_due)
        named = usual.annotate(
            case_pk=F("pk"),
            offer_on=RawSQL(offer, offer_params, output_field=DateField()),  # noqa: S611 - built by by_day_sql
            urgent_on=RawSQL(urgent, urgent_params, output_field=DateField()),  # noqa: S611 - built by by_day_sql
        )
        subquery, params = named.values("case_pk", "offer_on", "urgent_on").query.sql_with_params()
        due_on, kind = running_sql("q.offer_on", "q.urgent_on")
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET due_on = {due_on}, due_kind = {kind} "  # noqa: S608 - built above
                f"FROM ({subquery}) q WHERE {table}.id = q.case_pk "
                # only the cases whose deadline changes are written
                f"AND ({table}.due_on IS NULL OR {table}.due_on <> {due_on} OR {table}.due_kind <> {kind})",
                params,
            )
    others = cases.exclude(pk__in=usual.values("pk"))
    groups: dict[tuple[date | None, str], list[int]] = defaultdict(list)
    rows = others.values_list(
        "pk", "status", "first_received_at", "urgent_since", "first_action_at", "help_accepted_on"
    )
    for pk, status, first, since, action, accepted in rows.iterator(chunk_size=CHUNK):
        groups[
            due(
                status=status,
                first_received_at=first,
                urgent_since=since,
                first_action_at=action,
                help_accepted_on=accepted,
            )
        ].append(pk)
    for (on, kind), ids in groups.items():
        for start in range(0, len(ids), CHUNK):
            Case.objects.filter(pk__in=ids[start : start + CHUNK]).update(due_on=on, due_kind=kind)
