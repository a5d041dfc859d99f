from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from lcv.core.models import ScheduledRun
from lcv.core.schedule import AMSTERDAM, SCHEDULE, Job, enqueue_due_jobs

CALLS: list[str] = []


@task()
def record_call() -> str:
    CALLS.append("ran")
    return "ran"


MONDAY_JOB = Job(name="test_weekly", task_path=f"{__name__}.record_call", at=time(7, 0), weekday=0)
DAILY_JOB = Job(name="test_daily", task_path=f"{__name__}.record_call", at=time(7, 0))


def amsterdam(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def test_weekly_slot_is_the_last_monday_at_the_set_hour_in_amsterdam():
    # Wednesday 25 Nov 2026 -> Monday 23 Nov 07:00 Amsterdam (06:00 UTC)
    assert MONDAY_JOB.last_slot(amsterdam(2026, 11, 25, 12, 0)) == amsterdam(2026, 11, 23, 7, 0)
    # Monday before seven -> the Monday before
    assert MONDAY_JOB.last_slot(amsterdam(2026, 11, 23, 6, 59)) == amsterdam(2026, 11, 16, 7, 0)
    # In summer time the slot is still 07:00 local (05:00 UTC)
    slot = MONDAY_JOB.last_slot(datetime(2026, 7, 6, 5, 30, tzinfo=UTC))
    assert slot.astimezone(UTC) == datetime(2026, 7, 6, 5, 0, tzinfo=UTC)


def test_interval_slots_count_from_midnight_and_claim_once():
    job = Job(name="test_every", task_path=f"{__name__}.record_call", every=timedelta(minutes=5))
    assert job.last_slot(amsterdam(2026, 11, 25, 10, 7)) == amsterdam(2026, 11, 25, 10, 5)
    assert job.last_slot(amsterdam(2026, 11, 25, 10, 10)) == amsterdam(2026, 11, 25, 10, 10)
    assert job.last_slot(amsterdam(2026, 11, 25, 0, 4)) == amsterdam(2026, 11, 25, 0, 0)


@pytest.mark.django_db
def test_an_interval_job_runs_once_per_slot():
    job = Job(name="test_every", task_path=f"{__name__}.record_call", every=timedelta(minutes=5))
    jobs = {job.name: job}
    assert enqueue_due_jobs(amsterdam(2026, 11, 25, 10, 6), jobs) == ["test_every"]
    assert enqueue_due_jobs(amsterdam(2026, 11, 25, 10, 9), jobs) == []
    assert enqueue_due_jobs(amsterdam(2026, 11, 25, 10, 11), jobs) == ["test_every"]


def test_daily_slot():
    assert DAILY_JOB.last_slot(amsterdam(2026, 11, 25, 6, 0)) == amsterdam(2026, 11, 24, 7, 0)


@pytest.mark.django_db(transaction=True)
def test_a_slot_is_enqueued_once_however_often_the_scheduler_ticks():
    jobs = {MONDAY_JOB.name: MONDAY_JOB}
    monday = amsterdam(2026, 11, 23, 7, 1)
    assert enqueue_due_jobs(monday, jobs) == ["test_weekly"]
    assert enqueue_due_jobs(monday + timedelta(minutes=5), jobs) == []
    assert ScheduledRun.objects.filter(job="test_weekly").count() == 1
    assert DBTaskResult.objects.filter(task_path=f"{__name__}.record_call").count() == 1
    # the next Monday is a new slot
    assert enqueue_due_jobs(monday + timedelta(days=7), jobs) == ["test_weekly"]


@pytest.mark.django_db(transaction=True)
def test_weekly_job_does_not_run_on_other_days_after_its_catch_up_window():
    jobs = {MONDAY_JOB.name: MONDAY_JOB}
    assert enqueue_due_jobs(amsterdam(2026, 11, 24, 12, 0), jobs) == []  # Tuesday noon: too late
    assert enqueue_due_jobs(amsterdam(2026, 11, 23, 18, 0), jobs) == ["test_weekly"]  # Monday evening: catch up


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_scheduled_task():
    CALLS.clear()
    enqueue_due_jobs(amsterdam(2026, 11, 23, 7, 1), {MONDAY_JOB.name: MONDAY_JOB})
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "--no-schedule", verbosity=0)
    assert CALLS == ["ran"]
    result = DBTaskResult.objects.get(task_path=f"{__name__}.record_call")
    assert result.status == "SUCCESSFUL"


def test_housekeeping_jobs_are_registered():
    assert {"clear_expired_sessions", "clear_old_login_attempts"} <= set(SCHEDULE)


@pytest.mark.django_db(transaction=True)
def test_the_worker_announces_its_start_to_the_apps_above_core():
    from lcv.core.hooks import worker_starting

    started = []

    def receiver(**kwargs):
        started.append(kwargs["sender"])

    worker_starting.connect(receiver)
    try:
        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "--no-schedule", verbosity=0)
    finally:
        worker_starting.disconnect(receiver)
    assert started == [None]
