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
