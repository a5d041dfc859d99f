"""Write (or check) the committed OpenAPI document of the partner API, docs/api/openapi.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def generated_schema() -> str:
    """The document exactly as committed: sorted keys, two-space indent, a final newline."""
    from lcv.signals.api import api

    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the partner API's OpenAPI document to docs/api/openapi.json (--check: only compare)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail when the committed file differs.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = generated_schema()
        if options["check"]:
            current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
            if current != text:
                raise CommandError(f"{SCHEMA_FILE} is out of date; run `lcv api_schema` and commit it.")
            self.stdout.write("docs/api/openapi.json is up to date.")
            return
        SCHEMA_FILE.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_FILE.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {SCHEMA_FILE}.")
