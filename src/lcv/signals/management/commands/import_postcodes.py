"""`lcv import_postcodes PATH [--replace]`: load the postcode table (R13) from our own CSV or CBS's
yearly Postcode-huisnummer-buurt-wijk-gemeente file (also as the .zip CBS publishes); see
docs/postcodes.md."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lcv.signals.postcodes import PostcodeImportError, import_postcodes

SHOWN_REFUSALS = 20


@contextmanager
def open_text(path: Path) -> Iterator[TextIO]:
    """The file as text, streamed; a .zip holding one .csv is read from inside the archive."""
    if path.suffix.lower() != ".zip":
        with path.open(encoding="utf-8-sig", newline="") as stream:
            yield stream
        return
    with zipfile.ZipFile(path) as archive:
        names = [name for name in archive.namelist() if name.lower().endswith(".csv")]
        if len(names) != 1:
            raise CommandError(f"{path} moet precies één .csv-bestand bevatten (gevonden: {len(names)}).")
        with archive.open(names[0]) as raw:
            yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


class Command(BaseCommand):
    help = (
        "Lees de postcodetabel in (postcode + huisnummers -> gemeente): het eigen formaat "
        "postcode;huisnummer_van;huisnummer_tot;gemeentecode of het CBS-bestand "
        "Postcode-huisnummer-buurt-wijk-gemeente (.csv of .zip)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="CSV-bestand (of .zip van het CBS)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Vervang de hele tabel (anders vervangen alleen de postcodes in het bestand hun regels).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"Bestand {path} bestaat niet (of is geen gewoon bestand).")
        try:
            with open_text(path) as stream:
                result = import_postcodes(stream, replace=options["replace"])
        except PostcodeImportError as error:
            raise CommandError(str(error)) from error
        except zipfile.BadZipFile as error:
            raise CommandError(f"{path} is geen geldig zip-bestand.") from error
        kind = "CBS-bestand (één rij per adres)" if result.file_format == "cbs" else "eigen formaat"
        self.stdout.write(f"Formaat: {kind}")
        self.stdout.write(f"Rijen gelezen: {result.rows_read}")
        self.stdout.write(f"Postcodes opgeslagen: {result.postcodes}")
        self.stdout.write(f"Bereiken opgeslagen: {result.ranges_stored}")
        self.stdout.write(f"Rijen geweigerd: {result.refused}")
        if options["replace"]:
            self.stdout.write("De oude postcodetabel is vervangen.")
        for refusal in result.refusals[:SHOWN_REFUSALS]:
            self.stdout.write(f"  {refusal}")
        if result.refused > SHOWN_REFUSALS:
            self.stdout.write(f"  … en nog {result.refused - SHOWN_REFUSALS} geweigerde rijen.")
