"""`lcv brp_testservice`: the BRP test service as its own process (started by `lcv serve` in demo mode)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lcv.brp.demo_residents import DEMO_RESIDENTS, load_residents
from lcv.brp.testservice import make_server


class Command(BaseCommand):
    help = "Start de BRP-testdienst (Haal Centraal BRP Personen Bevragen v2, POST /personen) met demo-inwoners."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.BRP_TESTSERVICE_PORT)
        parser.add_argument("--api-key", default=settings.BRP_API_KEY or settings.BRP_DEMO_API_KEY)
        parser.add_argument("--api-key-header", default=settings.BRP_API_KEY_HEADER)
        parser.add_argument("--residents", type=Path, help="JSON file with residents instead of the demo residents.")

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        api_key: str,
        api_key_header: str,
        residents: Path | None,
        **options: Any,
    ) -> None:
        people = load_residents(residents) if residents else list(DEMO_RESIDENTS)
        server = make_server(host=host, port=port, residents=people, api_key=api_key, api_key_header=api_key_header)
        self.stdout.write(f"BRP-testdienst: http://{host}:{server.server_address[1]} ({len(people)} inwoners)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
