from __future__ import annotations

from django.tasks import task


@task()
def process_delivery_task(delivery_id: int) -> str:
    """Process one delivery (continues where a stopped run left off; a finished one is left alone)."""
    from lcv.signals.processing import process_delivery

    return str(process_delivery(delivery_id).status)
