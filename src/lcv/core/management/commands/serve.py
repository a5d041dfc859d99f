"""`lcv serve`: the web server and the task worker in one command (used by `make run`).

Ctrl-C stops both: the worker is a child process that is terminated when the server ends.
"""

from __future__ import annotations

import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start de webserver en de taakverwerker samen (Ctrl-C stopt beide)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        worker = subprocess.Popen(
            [sys.executable, "-m", "lcv.manage", "worker", "--no-reload", "--no-startup-delay", "--interval", "2"]
        )
        try:
            call_command("runserver", addrport, use_reloader=False, skip_checks=False)
        except KeyboardInterrupt:
            pass
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
