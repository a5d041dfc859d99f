"""Reads of the core app: the health of the background work for `/gezond/`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Max, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from lcv.core.models import WorkerHeartbeat


def _seconds_since(moment: datetime | None, now: datetime) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def oldest_ready_task_since() -> datetime | None:
    """Since when the longest-waiting task that may run now has been waiting (its enqueueing, or
    the moment it was scheduled to run after)."""
    ready = DBTaskResult.objects.ready()
    unscheduled = ready.filter(run_after=get_date_max()).aggregate(since=Min("enqueued_at"))["since"]
    scheduled = ready.exclude(run_after=get_date_max()).aggregate(since=Min("run_after"))["since"]
    found = [moment for moment in (unscheduled, scheduled) if moment is not None]
    return min(found) if found else None


def health() -> dict[str, Any]:
    """Whether a worker is alive (its heartbeat is recent) and the queue moves (no task that may
    run has waited too long). Counts and ages only: no personal data."""
    now = timezone.now()
    try:
        seen = WorkerHeartbeat.objects.aggregate(seen=Max("seen_at"))["seen"]
        waiting_since = oldest_ready_task_since()
    except DatabaseError:
        return {"status": "unhealthy", "database": "unreachable"}
    seen_ago = _seconds_since(seen, now)
    waiting = _seconds_since(waiting_since, now)
    if seen_ago is None:
        worker = "missing"
    elif seen_ago > settings.LCV_WORKER_LATE_SECONDS:
        worker = "late"
    else:
        worker = "ok"
    queue = "stuck" if waiting is not None and waiting > settings.LCV_QUEUE_STUCK_MINUTES * 60 else "ok"
    return {
        "status": "ok" if worker == queue == "ok" else "unhealthy",
        "database": "ok",
        "worker": worker,
        "worker_seen_seconds_ago": seen_ago,
        "queue": queue,
        "oldest_ready_task_seconds": waiting,
    }
