"""The BRP check of a case's persons (R17): identity and residence, and nothing else.

After grouping, a party's new cases wait for the check (`BrpStatus.PENDING`) when a BRP is
configured and the party did not switch it off; otherwise they are marked `OFF`. The worker checks
them person by person through the BRP client (`lcv.brp`), which records every query:
- one resident fits: the BSN is stored with the person (MATCHED; also after a move within the
  municipality);
- registered elsewhere: the outcome "geen inwoner" is proposed (NOT_RESIDENT);
- several or none fit: the case goes to the mismatch list, where a handler decides (MISMATCH).
When the BRP is unavailable the case shows that the check waits and the task is tried again later
with a growing pause; nothing is lost, and a handler may go on by hand meanwhile. A matched BSN is
then compared with the party's debt-help list (R17's second allowed check).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from django.db import close_old_connections, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from lcv.brp.check import Address, check_person
from lcv.brp.client import BrpClient, client_from_settings
from lcv.brp.errors import BrpError, BrpUnavailable
from lcv.brp.matching import Comparison, SignalPerson
from lcv.brp.matching import Outcome as BrpOutcome
from lcv.brp.services import QueryContext
from lcv.cases.models import BrpStatus, Case, CaseEvent, CasePerson, CaseSettings
from lcv.cases.outcomes import Outcome

logger = logging.getLogger("lcv.cases")
JOB = "brp-controle"
WAITING = (BrpStatus.PENDING, BrpStatus.RETRYING)
# pauses before the next try while the BRP is unavailable: 1, 2, 4, … minutes, at most 2 hours
MAX_PAUSE = timedelta(hours=2)


def pause(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_PAUSE)


def initial_status_sql(alias: str) -> str:
    """The BRP status a new case (or person) of a signal starts with, as an SQL expression over the
    signal `alias`: OFF without a BRP or where the party switched the check off, else PENDING."""
    if client_from_settings() is None:
        return f"'{BrpStatus.OFF.value}'"
    off = list(CaseSettings.objects.filter(brp_check=False).values_list("municipal_party_id", flat=True))
    if not off:
        return f"'{BrpStatus.PENDING.value}'"
    ids = ", ".join(str(int(party)) for party in off)
    return (
        f"CASE WHEN {alias}.municipal_party_id IN ({ids}) THEN '{BrpStatus.OFF.value}' "
        f"ELSE '{BrpStatus.PENDING.value}' END"
    )


def waiting_parties(cases: QuerySet[Case]) -> list[int]:
    """The parties with cases among these that wait for the check (their check is queued)."""
    waiting = cases.filter(brp_status=BrpStatus.PENDING, is_open=True)
    return sorted(set(waiting.values_list("municipal_party_id", flat=True).distinct()))


@dataclass(frozen=True)
class Checked:
    person_id: int
    comparison: Comparison | None
    error: BrpError | None = None


def _ask(client: BrpClient, person: CasePerson, case: Case) -> Checked:
    try:
        comparison = check_person(
            client,
            SignalPerson(
                initials=person.initials, surname=person.surname, prefix=person.prefix, birth_date=person.birth_date
            ),
            Address(postcode=case.postcode, house_number=case.house_number, addition=case.house_number_addition),
            municipality_code=case.municipality.cbs_code,
            context=QueryContext(job=JOB, reference=f"zaak {case.pk}"),
        )
    except BrpError as error:
        return Checked(person.pk, None, error)
    return Checked(person.pk, comparison)


STATUS_OF = {
    BrpOutcome.MATCH: BrpStatus.MATCHED,
    BrpOutcome.MOVED_WITHIN: BrpStatus.MATCHED,
    BrpOutcome.NOT_RESIDENT: BrpStatus.NOT_RESIDENT,
    BrpOutcome.AMBIGUOUS: BrpStatus.MISMATCH,
    BrpOutcome.NOT_FOUND: BrpStatus.MISMATCH,
}


def case_status(person_statuses: list[str]) -> str:
    """The case's BRP status from its persons' (one mismatch needs a handler; all not resident
    proposes "geen inwoner")."""
    if any(status in WAITING for status in person_statuses):
        return BrpStatus.PENDING
    if BrpStatus.MISMATCH in person_statuses:
        return BrpStatus.MISMATCH
    if person_statuses and all(status == BrpStatus.NOT_RESIDENT for status in person_statuses):
        return BrpStatus.NOT_RESIDENT
    return BrpStatus.MATCHED


@transaction.atomic
def _store(case_id: int, results: list[Checked], known: Callable[[int, list[str]], set[str]]) -> str:
    case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
    if case.brp_status not in WAITING:
        return str(case.brp_status)  # a handler decided meanwhile
    persons = {p.pk: p for p in case.persons.all()}
    unavailable = any(isinstance(result.error, BrpUnavailable) for result in results)
    for result in results:
        person = persons[result.person_id]
        if result.comparison is not None:
            person.brp_status = STATUS_OF[result.comparison.outcome]
            if person.brp_status == BrpStatus.MATCHED:
                person.bsn = result.comparison.bsn
        elif not isinstance(result.error, BrpUnavailable):
            person.brp_status = BrpStatus.MISMATCH  # the BRP refused the question: a handler decides
        person.save(update_fields=["brp_status", "bsn"])
    now = timezone.now()
    if unavailable:
        case.brp_status = BrpStatus.RETRYING
        case.brp_attempts += 1
        case.brp_retry_at = now + pause(case.brp_attempts)
        case.save(update_fields=["brp_status", "brp_attempts", "brp_retry_at"])
        CaseEvent.objects.create(case=case, at=now, event="brp_waiting", from_status=case.status, to_status=case.status)
        return str(case.brp_status)
    case.brp_status = case_status([p.brp_status for p in persons.values()])
    case.brp_checked_at = now
    if case.brp_status == BrpStatus.NOT_RESIDENT and not case.proposed_outcome:
        case.proposed_outcome = Outcome.NOT_RESIDENT
    matched = [p for p in persons.values() if p.bsn]
    found = known(case.municipal_party_id, [p.bsn for p in matched])
    for person in matched:
        if person.bsn in found:
            person.known_at_debt_help = True
            person.save(update_fields=["known_at_debt_help"])
    if found:
        case.proposed_outcome = Outcome.KNOWN_DEBT_HELP
        CaseEvent.objects.create(case=case, at=now, event="debt_help", from_status=case.status, to_status=case.status)
    case.save(update_fields=["brp_status", "brp_checked_at", "proposed_outcome"])
    CaseEvent.objects.create(
        case=case,
        at=now,
        event="brp_checked",
        from_status=case.status,
        to_status=case.status,
        detail=str(BrpStatus(case.brp_status).label),
    )
    return str(case.brp_status)


def _no_debt_help_list(party_id: int, bsns: list[str]) -> set[str]:
    return set()


def check_case(case: Case, client: BrpClient, known: Callable[[int, list[str]], set[str]] = _no_debt_help_list) -> str:
    """Check the waiting persons of one case and store the result."""
    persons = list(case.persons.filter(brp_status__in=WAITING))
    results = [_ask(client, person, case) for person in persons]
    return _store(case.pk, results, known)


def _due_for_check(party_id: int) -> QuerySet[Case]:
    """The party's cases waiting for the check; one that waits after an unavailable BRP only once
    its pause is over."""
    now = timezone.now()
    waiting = Q(brp_status=BrpStatus.PENDING) | Q(brp_status=BrpStatus.RETRYING, brp_retry_at__lte=now)
    return Case.objects.filter(waiting, municipal_party_id=party_id, is_open=True).select_related("municipality")


def parties_to_retry() -> list[int]:
    """Parties with cases whose pause after an unavailable BRP is over (the periodic retry)."""
    cases = Case.objects.filter(is_open=True, brp_status=BrpStatus.RETRYING, brp_retry_at__lte=timezone.now())
    return sorted(set(cases.values_list("municipal_party_id", flat=True)))


def check_party(
    party_id: int,
    *,
    client: BrpClient | None = None,
    workers: int = 4,
    known: Callable[[int, list[str]], set[str]] = _no_debt_help_list,
) -> dict[str, int]:
    """R17: check a party's waiting cases, several at a time on PostgreSQL. Returns counts per
    resulting status (RETRYING: the BRP was unavailable; the caller schedules a retry)."""
    client = client or client_from_settings()
    if client is None:
        return {}
    cases = list(_due_for_check(party_id).order_by("due_on", "pk"))
    counts: dict[str, int] = {}
    if connection.vendor != "postgresql" or workers <= 1:
        for case in cases:
            status = check_case(case, client, known)
            counts[status] = counts.get(status, 0) + 1
        return counts

    def run(case: Case) -> str:
        try:
            return check_case(case, client, known)
        finally:
            close_old_connections()
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for status in pool.map(run, cases):
            counts[status] = counts.get(status, 0) + 1
    return counts
