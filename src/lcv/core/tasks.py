"""Periodic housekeeping. Each task is idempotent: running it twice changes nothing more."""

from __future__ import annotations

from datetime import time, timedelta

from django.contrib.sessions.models import Session
from django.tasks import task
from django.utils import timezone

from lcv.core.schedule import Job, register


@task()
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@task()
def clear_old_login_attempts() -> int:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    cutoff = timezone.now() - timedelta(days=30)
    total = 0
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        deleted, _ = model.objects.filter(attempt_time__lt=cutoff).delete()
        total += deleted
    return total


register(Job(name="clear_expired_sessions", task_path="lcv.core.tasks.clear_expired_sessions", at=time(3, 0)))
register(Job(name="clear_old_login_attempts", task_path="lcv.core.tasks.clear_old_login_attempts", at=time(3, 15)))
