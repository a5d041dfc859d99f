"""Writes of the core app. The worker heartbeat is technical bookkeeping, not a domain action:
it is not audited (it would add a row to the audit log every few seconds)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from lcv.core.models import WorkerHeartbeat

FORGET_AFTER = timedelta(days=1)  # rows of workers that died long ago


def record_heartbeat(*, worker: str, started_at: datetime) -> None:
    """The worker `worker` is alive now (read by selectors.health for `/gezond/`)."""
    now = timezone.now()
    with transaction.atomic():
        WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"seen_at": now, "started_at": started_at})
        WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


def forget_worker(*, worker: str) -> None:
    """The worker stopped cleanly: it no longer counts as running."""
    WorkerHeartbeat.objects.filter(worker=worker).delete()
