"""`lcv serve`: the web server and the task worker in one command (used by `make run`).

The worker is a child process under a Supervisor: when it dies (killed, out of memory) it is
started again, with a growing pause if it keeps dying, and the restart is logged; `/gezond/`
reports the gap meanwhile. Ctrl-C (or SIGTERM) stops both. The `lcv` commands listed in the
setting `LCV_SUPERVISED_COMMANDS` (in demo mode: the BRP test service) run beside them the same way.
"""

from __future__ import annotations

import signal
import sys
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from lcv.core.supervise import Supervisor


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM stops like Ctrl-C, so the worker is stopped too


class Command(BaseCommand):
    help = (
        "Start de webserver en de taakverwerker samen (Ctrl-C stopt beide); een gestopte taakverwerker start opnieuw."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--restart-delay", type=float, default=1.0, help="Seconds before restarting a dead worker.")
        parser.add_argument("--max-restart-delay", type=float, default=60.0, help="Longest pause between restarts.")

    def handle(self, *args: Any, addrport: str, restart_delay: float, max_restart_delay: float, **options: Any) -> None:
        commands = [
            ["worker", "--no-reload", "--no-startup-delay", "--interval", "2"],
            *settings.LCV_SUPERVISED_COMMANDS,
        ]
        supervisors = [
            Supervisor(
                [sys.executable, "-m", "lcv.manage", *command],
                delay=restart_delay,
                max_delay=max_restart_delay,
                name=command[0],
            )
            for command in commands
        ]
        signal.signal(signal.SIGTERM, _interrupt)
        for supervisor in supervisors:
            supervisor.start()
        try:
            call_command("runserver", addrport, use_reloader=False, skip_checks=False)
        except KeyboardInterrupt:
            pass
        finally:
            for supervisor in supervisors:
                supervisor.stop()
