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
def deadline_digest_task() -> int:
    """R15, R19: each handler's daily e-mail with counts of their deadlines (a retry sends nothing twice)."""
    from lcv.cases.digest import send_deadline_digests

    return send_deadline_digests()


register(Job(name="case_deadline_digest", task_path="lcv.cases.tasks.deadline_digest_task", at=time(7, 0)))
