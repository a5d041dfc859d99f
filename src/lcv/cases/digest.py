"""R15, R19: the daily deadline e-mail. On every working day at 07:00 each handler with open cases
assigned to them gets one e-mail with counts only — overdue, due within 3 working days, new in the
trays — and a link to the trays. No personal data goes into the mail (§4): no names, addresses,
postcodes, BSNs or amounts, not even the case numbers.

Idempotent: a DeadlineDigest row per person per day is claimed before the mail is queued, so a
retried run sends nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from lcv.cases.models import Case, CaseStatus, DeadlineDigest
from lcv.cases.selectors import visible_cases
from lcv.core.calendar import add_working_days, is_working_day
from lcv.notifications.services import absolute_url, send_templated_mail
from lcv.organisations.models import Membership, Organisation

DUE_SOON_WORKING_DAYS = 3
TRAYS_PATH = "/zaken/"


@dataclass(frozen=True)
class Counts:
    overdue: int
    due_soon: int
    new_in_trays: int

    @property
    def anything(self) -> bool:
        return bool(self.overdue or self.due_soon or self.new_in_trays)


def _assigned_counts(today: date) -> dict[int, tuple[int, int]]:
    """Handler id -> (overdue, due soon) over the open cases assigned to them, in one query."""
    soon = add_working_days(today, DUE_SOON_WORKING_DAYS)
    rows = (
        Case.objects.filter(is_open=True, handler__isnull=False)
        .values("handler_id")
        .annotate(
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            due_soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=soon)),
        )
    )
    return {row["handler_id"]: (row["overdue"], row["due_soon"]) for row in rows}


def _new_in_trays(organisation: Organisation, now: Any) -> int:
    """Cases in the organisation's trays that nobody has picked up yet."""
    return (
        visible_cases(organisation)
        .filter(is_open=True, status=CaseStatus.NEW, handler__isnull=True, enters_at__lte=now)
        .count()
    )


def digest_counts(today: date | None = None) -> dict[int, Counts]:
    """User id -> the counts of their e-mail, for the active handlers with open cases assigned."""
    today = today or timezone.localdate()
    now = timezone.now()
    assigned = _assigned_counts(today)
    memberships = Membership.objects.filter(user_id__in=assigned, is_handler=True, user__is_active=True).select_related(
        "organisation"
    )
    new: dict[int, int] = {}
    counts = {}
    for membership in memberships:
        organisation = membership.organisation
        if organisation.pk not in new:
            new[organisation.pk] = _new_in_trays(organisation, now)
        overdue, due_soon = assigned[membership.user_id]
        counts[membership.user_id] = Counts(overdue, due_soon, new[organisation.pk])
    return counts


def send_deadline_digests(today: date | None = None) -> int:
    """R15, R19: send today's e-mails (working days only). Returns the number queued now."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    sent = 0
    counts_of = digest_counts(today)
    emails = dict(Membership.objects.filter(user_id__in=counts_of).values_list("user_id", "user__email"))
    for user_id, counts in counts_of.items():
        if not counts.anything:
            continue
        try:
            with transaction.atomic():
                DeadlineDigest.objects.create(user_id=user_id, on=today)
                context = {"counts": counts, "link": absolute_url(TRAYS_PATH), "today": today}
                transaction.on_commit(
                    partial(send_templated_mail, to=[emails[user_id]], template="deadline_digest", context=context)
                )
        except IntegrityError:
            continue  # sent before today (a retried run)
        sent += 1
    return sent
