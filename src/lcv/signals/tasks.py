from __future__ import annotations

from datetime import time, timedelta

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


@task()
def remind_expiring_tokens_task() -> int:
    from lcv.signals.tokens import remind_expiring_tokens

    return remind_expiring_tokens()


# API keys expire after at most a year; the partner's contacts hear of it a month before.
register(
    Job(name="remind_expiring_api_tokens", task_path="lcv.signals.tasks.remind_expiring_tokens_task", at=time(7, 0))
)
