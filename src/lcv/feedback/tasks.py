from __future__ import annotations

from datetime import time

from django.tasks import task

from lcv.core.schedule import Job, register


@task()
def start_delivery_pauses_task(delivery_id: int) -> int:
    """R21, addendum: pause collection of a processed delivery's signals from delivery on."""
    from lcv.feedback.services import start_delivery_pauses

    return start_delivery_pauses(delivery_id)


@task()
def end_pauses_task() -> int:
    """R21: end the pauses whose last day has passed; the partners hear of each."""
    from lcv.feedback.services import end_pauses

    return end_pauses()


register(Job(name="end_collection_pauses", task_path="lcv.feedback.tasks.end_pauses_task", at=time(0, 15)))
