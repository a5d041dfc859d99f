from __future__ import annotations

from datetime import timedelta

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
    """R17: check a party's cases waiting for the BRP; while the BRP is unavailable, try again
    later with a growing pause (the cases show that the check waits)."""
    from django.db.models import Max
    from django.utils import timezone

    from lcv.cases.brp_check import check_party, pause
    from lcv.cases.models import BrpStatus, Case

    counts = check_party(party_id, known=_debt_help_known)
    if counts.get(BrpStatus.RETRYING):
        attempts = Case.objects.filter(municipal_party_id=party_id, brp_status=BrpStatus.RETRYING).aggregate(
            n=Max("brp_attempts")
        )["n"]
        brp_check_party_task.using(run_after=timezone.now() + pause(attempts or 1)).enqueue(party_id)
    return counts


def _debt_help_known(party_id: int, bsns: list[str]) -> set[str]:
    return set()
