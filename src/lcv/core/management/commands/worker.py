"""`lcv worker`: the task worker with the schedule of periodic jobs.

Runs django-tasks-db's worker loop and, in threads beside it, ticks the schedule every
`--tick` seconds and writes a heartbeat every LCV_WORKER_HEARTBEAT_SECONDS (`/gezond/` reads it).
Several workers may run at once: each slot is claimed by exactly one.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from lcv.core.hooks import worker_starting
from lcv.core.schedule import enqueue_due_jobs
from lcv.core.services import forget_worker, record_heartbeat

logger = logging.getLogger("lcv.worker")


def _tick_forever(interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            enqueue_due_jobs()
        except Exception:  # keep the scheduler alive; the failure is logged with its traceback
            logger.exception("schedule tick failed")
        finally:
            connection.close()
        stop.wait(interval)


def _beat_forever(worker: str, interval: float, stop: threading.Event) -> None:
    started_at = timezone.now()
    while not stop.is_set():
        try:
            close_old_connections()
            record_heartbeat(worker=worker, started_at=started_at)
        except Exception:  # a missed beat shows in /gezond/; the worker itself goes on
            logger.exception("heartbeat failed")
        finally:
            connection.close()
        stop.wait(interval)


class Command(DbWorkerCommand):
    help = "Voert achtergrondtaken uit en start periodieke taken volgens het schema."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--tick", type=float, default=30.0, help="Seconds between schedule checks.")
        parser.add_argument("--no-schedule", action="store_true", help="Run tasks only; do not start periodic jobs.")

    def handle(self, *args: Any, **options: Any) -> None:
        tick = options.pop("tick")
        no_schedule = options.pop("no_schedule")
        stop = threading.Event()
        worker_starting.send(sender=None)  # e.g. agreements: only the worker may seal
        if not no_schedule and not options.get("batch"):
            threading.Thread(target=_tick_forever, args=(tick, stop), daemon=True, name="schedule").start()
        elif not no_schedule:
            enqueue_due_jobs()
        worker = f"{socket.gethostname()}:{os.getpid()}"[:100]
        beating = not options.get("batch")
        if beating:
            interval = settings.LCV_WORKER_HEARTBEAT_SECONDS
            heart = threading.Thread(target=_beat_forever, args=(worker, interval, stop), daemon=True, name="heartbeat")
            heart.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            if beating:
                heart.join(timeout=5)  # its last beat must not land after the row is removed
                try:
                    forget_worker(worker=worker)
                except Exception:  # stopping anyway; the row ages out and /gezond/ reports it late
                    logger.exception("could not remove the heartbeat")
