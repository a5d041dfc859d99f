"""`lcv worker`: the task worker with the schedule of periodic jobs.

Runs django-tasks-db's worker loop and, in a thread beside it, ticks the schedule every
`--tick` seconds. Several workers may run at once: each slot is claimed by exactly one.
"""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from lcv.core.schedule import enqueue_due_jobs

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
        from lcv.agreements.documents import enable_sealing, warm_up_in_background

        enable_sealing()  # only the worker loads the seal's private key
        warm_up_in_background()  # sealing documents is worker work: load the PDF libraries now
        if not no_schedule and not options.get("batch"):
            threading.Thread(target=_tick_forever, args=(tick, stop), daemon=True, name="schedule").start()
        elif not no_schedule:
            enqueue_due_jobs()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
