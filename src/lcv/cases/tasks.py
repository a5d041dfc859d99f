from __future__ import annotations

from datetime import time, timedelta

from django.tasks import task

from lcv.core.schedule import Job, register


@task()
def group_delivery_task(delivery_id: int) -> int:
    """R18: put a processed delivery's signals into cases (a second run changes nothing)."""
    from lcv.cases.grouping import group_deliveries

    return group_deliveries([delivery_id]).linked


@task()
def group_pending_task() -> int:
    """The safety net: processed deliveries whose grouping did not run (a lost task, a crash)."""
    from lcv.cases.grouping import group_deliveries, ungrouped_deliveries

    pending = ungrouped_deliveries()
    return group_deliveries(pending).linked if pending else 0


register(
    Job(
        name="group_pending_signals",
        task_path="lcv.cases.tasks.group_pending_task",
        every=timedelta(minutes=5),
        catch_up=timedelta(minutes=5),
    )
)


@task()
def brp_check_party_task(party_id: int) -> dict[str, int]:
    """R17: check a party's cases waiting for the BRP. While the BRP is unavailable the cases show
    that the check waits; the periodic retry below tries them again after a growing pause."""
    from lcv.cases.brp_check import check_party

    return {str(k): v for k, v in check_party(party_id, known=_debt_help_known).items()}


@task()
def retry_brp_checks_task() -> int:
    from lcv.cases.brp_check import parties_to_retry

    parties = parties_to_retry()
    for party_id in parties:
        brp_check_party_task.enqueue(party_id)
    return len(parties)


register(
    Job(
        name="retry_brp_checks",
        task_path="lcv.cases.tasks.retry_brp_checks_task",
        every=timedelta(minutes=5),
        catch_up=timedelta(minutes=5),
    )
)


def _debt_help_known(party_id: int, bsns: list[str]) -> set[str]:
    """R17's second check: which of these BSNs the party's debt-help service knows."""
    from lcv.debthelp.selectors import known_at_debt_help

    return known_at_debt_help(party_id=party_id, bsns=bsns)


@task()
def deadline_digest_task() -> int:
    """R15, R19: each handler's daily e-mail with counts of their deadlines (a retry sends nothing twice)."""
    from lcv.cases.digest import send_deadline_digests

    return send_deadline_digests()


register(Job(name="case_deadline_digest", task_path="lcv.cases.tasks.deadline_digest_task", at=time(7, 0)))
