"""`lcv national_dataset`: the national-scale data set for the benchmarks (issue 11), made by
lcv.portal.national. Idempotent; `--reset` first removes the data set's own data and nothing else."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from lcv.portal.national import DataSetError, Spec, build, reset

# SQLite only for small data sets (tests); a national one belongs on PostgreSQL
SQLITE_LIMIT = 20_000


def _month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError as error:
        raise CommandError(f"--month {text!r}: write it as YYYY-MM, e.g. 2026-11") from error


class Command(BaseCommand):
    help = (
        "Maak de landelijke dataset voor de benchmarks: 342 gemeenten, partners, actieve overeenkomsten, "
        "postcodes en signalen (PostgreSQL; idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stored", type=int, default=1_000_000, help="signals in the 12 months before --month")
        parser.add_argument("--new", type=int, default=150_000, help="signals within --month")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--month", default="2026-11", help="the new month, YYYY-MM")
        parser.add_argument("--reset", action="store_true", help="first remove the data set's own data")

    def handle(self, *args: Any, **options: Any) -> None:
        spec = Spec(stored=options["stored"], new=options["new"], seed=options["seed"], month=_month(options["month"]))
        if spec.stored < 0 or spec.new < 0:
            raise CommandError("--stored and --new cannot be negative")
        if connection.vendor != "postgresql" and spec.stored + spec.new > SQLITE_LIMIT:
            raise CommandError(
                f"On {connection.vendor} this command makes at most {SQLITE_LIMIT:,} signals (e.g. --stored 2000 "
                "--new 300, for tests). For the national data set use PostgreSQL: set DATABASE_URL to a database of "
                "its own, e.g. postgres://postgres@127.0.0.1:5432/lcv_national, and run `lcv migrate` first."
            )
        started = time.perf_counter()
        if options["reset"]:
            self.stdout.write("reset: removing the data set's own data")
            reset(self.stdout.write)
        try:
            report = build(spec, self.stdout.write)
        except DataSetError as error:
            raise CommandError(str(error)) from error
        if report.already_loaded:
            self.stdout.write(f"The signals of {spec.reference} were already loaded; nothing added.")
        self.stdout.write("")
        self.stdout.write("counts:")
        for what, count in report.counts.items():
            self.stdout.write(f"  {what:<45} {count:>10,}")
        if report.kinds:
            self.stdout.write("signals by sector and kind:")
            for what, count in report.kinds.items():
                self.stdout.write(f"  {what:<45} {count:>10,}")
        self.stdout.write(f"total: {time.perf_counter() - started:.1f} s")
