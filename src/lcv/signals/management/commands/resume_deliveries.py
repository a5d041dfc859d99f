from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lcv.signals.processing import resume_stalled


class Command(BaseCommand):
    help = "Zet aanleveringen die zonder voortgang staan (de worker stopte) opnieuw in de wachtrij."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stalled-after", type=float, default=None, help="Seconds without progress (default: the setting)."
        )

    def handle(self, *args: Any, stalled_after: float | None, **options: Any) -> None:
        wait = timedelta(seconds=stalled_after) if stalled_after is not None else None
        queued = resume_stalled(stalled_after=wait)
        self.stdout.write(f"{len(queued)} aanlevering(en) opnieuw in de wachtrij gezet.")
