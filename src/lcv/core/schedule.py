"""The schedule of periodic jobs, run by the worker (`lcv worker`).

A job is an ordinary `django.tasks` task plus a cadence: daily at a set time, weekly on a set
weekday and time, or every so many minutes, in Europe/Amsterdam. Each time the scheduler ticks it
claims the most recent slot of every job (one `ScheduledRun` row, unique per job and slot) and
enqueues the task only when the claim is new. So a slot runs once however many workers tick, and a
worker that was down catches up on a missed slot as long as it is younger than the job's
`catch_up` window.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from lcv.core.models import ScheduledRun

logger = logging.getLogger(__name__)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str  # dotted path of a django.tasks Task taking no arguments
    at: time = time(0, 0)
    weekday: int | None = None  # None: every day; 0: Monday … 6: Sunday
    catch_up: timedelta = timedelta(hours=12)
    every: timedelta | None = None  # set: every so often (slots counted from midnight), not daily

    def last_slot(self, now: datetime) -> datetime:
        """The latest moment at or before `now` at which this job is due (aware, Amsterdam)."""
        local = now.astimezone(AMSTERDAM)
        if self.every is not None:
            midnight = datetime.combine(local.date(), time(0, 0), tzinfo=AMSTERDAM)
            return midnight + self.every * ((local - midnight) // self.every)
        day = local.date()
        while True:
            slot = datetime.combine(day, self.at, tzinfo=AMSTERDAM)
            if slot <= local and (self.weekday is None or day.weekday() == self.weekday):
                return slot
            day -= timedelta(days=1)


SCHEDULE: dict[str, Job] = {}


def register(job: Job) -> Job:
    SCHEDULE[job.name] = job
    return job


def enqueue_due_jobs(now: datetime | None = None, jobs: dict[str, Job] | None = None) -> list[str]:
    """Claim and enqueue every job whose latest slot has not run yet. Returns the names enqueued."""
    now = now or timezone.now()
    started = []
    for job in (jobs if jobs is not None else SCHEDULE).values():
        slot = job.last_slot(now)
        if now - slot > job.catch_up:
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, slot=slot)
                task: Task = import_string(job.task_path)
                # The database backend writes the task row in this same transaction: the claim and
                # the queued task commit together, or neither does.
                task.enqueue()
        except IntegrityError:
            continue  # another worker (or an earlier tick) claimed this slot
        logger.info("scheduled job %s for slot %s", job.name, slot.isoformat())
        started.append(job.name)
    return started
