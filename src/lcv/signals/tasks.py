from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from lcv.core.schedule import Job, register


@task()
def process_delivery_task(delivery_id: int) -> str:
    """Process one delivery (continues where a stopped run left off; a finished one is left alone)."""
    from lcv.signals.processing import process_delivery

    return str(process_delivery(delivery_id).status)


@task()
def resume_stalled_deliveries_task() -> int:
    from lcv.signals.processing import resume_stalled

    return len(resume_stalled())


# A killed worker leaves its delivery half done; this queues it again (it continues where it stopped).
register(
    Job(
        name="resume_stalled_deliveries",
        task_path="lcv.signals.tasks.resume_stalled_deliveries_task",
        every=timedelta(minutes=5),
        catch_up=timedelta(minutes=5),
    )
)
