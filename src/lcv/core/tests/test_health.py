"""`/gezond/` says when the worker is gone or the queue is stuck (issue 9), and the Supervisor that
`lcv serve` uses restarts a worker that dies."""

from __future__ import annotations

import sys
import time
from datetime import timedelta

import pytest
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lcv.core.models import WorkerHeartbeat
from lcv.core.services import forget_worker, record_heartbeat
from lcv.core.supervise import Supervisor


@task()
def idle_task() -> None:
    """Only enqueued here, never run."""


def health(client) -> tuple[int, dict]:
    response = client.get(reverse("core:health"))
    assert response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


@pytest.mark.django_db
def test_without_any_worker_the_health_check_fails_with_worker_missing(client):
    status, body = health(client)
    assert status == 503
    assert body["status"] == "unhealthy"
    assert body["worker"] == "missing"
    assert body["worker_seen_seconds_ago"] is None


@pytest.mark.django_db
def test_a_recent_heartbeat_is_healthy_and_a_late_one_is_not(client, settings):
    settings.LCV_WORKER_LATE_SECONDS = 60
    record_heartbeat(worker="host:1", started_at=timezone.now())
    status, body = health(client)
    assert status == 200
    assert body == {
        "status": "ok",
        "database": "ok",
        "worker": "ok",
        "worker_seen_seconds_ago": 0,
        "queue": "ok",
        "oldest_ready_task_seconds": None,
    }
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=61))
    status, body = health(client)
    assert (status, body["worker"]) == (503, "late")
    assert body["worker_seen_seconds_ago"] >= 61
    record_heartbeat(worker="host:2", started_at=timezone.now())  # another worker is alive: enough
    assert health(client)[0] == 200
    forget_worker(worker="host:2")
    assert health(client)[1]["worker"] == "late"


@pytest.mark.django_db
def test_a_task_waiting_too_long_means_the_queue_is_stuck(client, settings):
    settings.LCV_QUEUE_STUCK_MINUTES = 15
    record_heartbeat(worker="host:1", started_at=timezone.now())
    result = idle_task.enqueue()
    status, body = health(client)
    assert (status, body["queue"]) == (200, "ok")
    DBTaskResult.objects.filter(id=result.id).update(enqueued_at=timezone.now() - timedelta(minutes=16))
    status, body = health(client)
    assert (status, body["queue"], body["worker"]) == (503, "stuck", "ok")
    assert body["oldest_ready_task_seconds"] >= 16 * 60
    # a task scheduled for later is not waiting before its time
    DBTaskResult.objects.filter(id=result.id).update(run_after=timezone.now() + timedelta(hours=1))
    assert health(client)[1]["queue"] == "ok"


def test_old_heartbeats_of_dead_workers_are_forgotten(db):
    record_heartbeat(worker="gone:1", started_at=timezone.now())
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(days=2))
    record_heartbeat(worker="host:1", started_at=timezone.now())
    assert list(WorkerHeartbeat.objects.values_list("worker", flat=True)) == ["host:1"]


def test_the_supervisor_restarts_a_child_that_dies_with_growing_pauses(tmp_path):
    starts = tmp_path / "starts"
    command = [sys.executable, "-c", f"open({str(starts)!r}, 'a').write('x'); raise SystemExit(3)"]
    supervisor = Supervisor(command, delay=0.2, max_delay=0.4, stable=60)
    supervisor.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (not starts.exists() or len(starts.read_text()) < 4):
            time.sleep(0.05)
    finally:
        supervisor.stop()
    assert len(starts.read_text()) >= 4
    assert supervisor.restarts >= 3


def test_stopping_the_supervisor_stops_its_child_and_starts_no_other():
    supervisor = Supervisor([sys.executable, "-c", "import time; time.sleep(60)"], delay=0.1)
    supervisor.start()
    deadline = time.monotonic() + 10
    while supervisor.child is None and time.monotonic() < deadline:
        time.sleep(0.02)
    child = supervisor.child
    assert child is not None
    supervisor.stop()
    assert child.poll() is not None
    assert supervisor.child is child
    assert supervisor.restarts == 0
