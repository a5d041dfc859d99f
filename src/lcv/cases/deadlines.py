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

from django.db.models import Case as DbCase
from django.db.models import DateField, Max, Min, QuerySet, Value, When

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


def _by_day(cases: QuerySet[Case], field: str, days: list[date], due_of_day: Callable[[date], date], kind: str) -> None:
    """One statement: the deadline of each case from the local day of `field`, as a CASE over the
    few days involved (the calendar is asked once per day, not once per case)."""
    branches = []
    for day in days:
        start, end = _day_bounds(day)
        branches.append(When(**{f"{field}__gte": start, f"{field}__lt": end}, then=Value(due_of_day(day))))
    cases.update(due_on=DbCase(*branches, output_field=DateField()), due_kind=kind)


def refresh(cases: QuerySet[Case]) -> None:
    """Store the running deadline of these cases in a few statements whatever their number.

    The usual case at grouping (open, no action yet, help not accepted) is set in the database:
    the 4-week term from the first signal's day, then the 3-working-day term where that ends
    earlier. The few others are computed one by one with `due`."""
    usual = cases.filter(
        is_open=True, first_action_at__isnull=True, status__in=[CaseStatus.NEW, CaseStatus.IN_PROGRESS]
    )
    span = usual.aggregate(first=Min("first_received_at"), last=Max("first_received_at"))
    if span["first"] is not None:
        _by_day(usual, "first_received_at", _days(span["first"], span["last"]), offer_due, DueKind.FIRST_ACTION)
    urgent = usual.filter(urgent_since__isnull=False)
    span = urgent.aggregate(first=Min("urgent_since"), last=Max("urgent_since"))
    if span["first"] is not None:
        days = _days(span["first"], span["last"])
        urgent_cases = list(urgent.values_list("pk", "urgent_since", "due_on"))
        earlier = [
            pk
            for pk, since, offer in urgent_cases
            if since is not None and (offer is None or urgent_due(local_date(since)) <= offer)
        ]
        for start in range(0, len(earlier), CHUNK):
            _by_day(
                Case.objects.filter(pk__in=earlier[start : start + CHUNK]),
                "urgent_since",
                days,
                urgent_due,
                DueKind.URGENT,
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
