from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lcv.accounts.demo import current_demo_code


class Command(BaseCommand):
    help = "Toon de actuele code van de tweede factor voor demo-accounts (alleen demomodus)."

    def handle(self, *args: Any, **options: Any) -> None:
        code = current_demo_code()
        if code is None:
            raise CommandError("Only in demo mode (LCV_DEMO=true).")
        self.stdout.write(code)
