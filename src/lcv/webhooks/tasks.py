from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from lcv.core.schedule import Job, register


@task()
def send_webhooks_task() -> int:
    """Send the due webhook deliveries (feedback to partners, R20/R21); when time runs out with more
    due, the task queues itself again."""
    from lcv.webhooks.sending import send_due

    run = send_due()
    if run.more:
        send_webhooks_task.enqueue()
    return run.sent


@task()
def sweep_webhooks_task() -> int:
    """Every minute: deliveries for messages whose hook was missed, and the retries that are due."""
    from lcv.webhooks.services import create_deliveries

    created = create_deliveries()
    send_webhooks_task.enqueue()
    return created


register(
    Job(
        name="send_webhooks",
        task_path="lcv.webhooks.tasks.sweep_webhooks_task",
        every=timedelta(minutes=1),
        catch_up=timedelta(minutes=1),
    )
)
