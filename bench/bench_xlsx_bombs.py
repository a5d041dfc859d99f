"""Benchmark for bounded Excel reading (issue 9). Prints time and peak memory; asserts nothing.

    .venv/bin/python bench/bench_xlsx_bombs.py

Each file is read in a fresh process that first loads what a worker loads (Django, and the PDF
libraries the worker warms up), then does what processing does with a delivery: count its rows
(count_rows) and read them all (open_rows). Printed per file: the size of the file, the outcome
(rows, or the start of the Dutch message), the seconds for both passes, the process's resident
memory before reading and its peak while reading (VmHWM, reset after loading; Linux). The target:
every peak under 300 MB; the hostile files refused in well under a second.

Files: the hostile ones of issue 9 (a huge declared sheet with a value at XFD1048576, 300 MB of
shared strings in a small ZIP, 2.1 million distinct shared strings packed normally, entities in the
sheet, a 500 MB ZIP bomb) and a good delivery of 100,000 rows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOOD_ROWS = 100_000


def _files(folder: Path) -> dict[str, Path]:
    from lcv.testing import xlsx_files
    from lcv.testing.signals import row

    made = {
        "huge declared sheet (XFD1048576)": xlsx_files.huge_declared_sheet,
        "shared-string bomb (300 MB)": lambda: xlsx_files.shared_string_bomb(megabytes=300),
        "2.1 million shared strings": xlsx_files.many_shared_strings,
        "entities in the sheet": xlsx_files.entity_in_sheet,
        "ZIP bomb (500 MB sheet)": lambda: xlsx_files.zip_bomb(megabytes=500),
        f"good, {GOOD_ROWS:,} rows": lambda: xlsx_files.good(
            [row(klantnummer=f"K{n}", huisnummer=n % 997 + 1, achternaam=f"Berg{n % 5000}") for n in range(GOOD_ROWS)]
        ),
    }
    paths = {}
    for number, (name, make) in enumerate(made.items()):
        path = folder / f"{number}.xlsx"
        path.write_bytes(make())
        paths[name] = path
    return paths


def _read_one(path: str) -> None:
    """In the child process: load like a worker, then count and read the file."""
    import django

    django.setup()
    from lcv.agreements.documents import warm_up
    from lcv.signals.reading import UnreadableFile, count_rows, open_rows
    from lcv.signals.xlsx import resident_megabytes

    warm_up()
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak (VmHWM) starts again from now
    before = resident_megabytes()
    content = Path(path).read_bytes()
    started = time.monotonic()
    try:
        total = count_rows(content, "xlsx")
        read = sum(1 for _ in open_rows(content, "xlsx"))
        outcome = f"{total:,} rows counted, {read:,} read"
    except UnreadableFile as error:
        outcome = "refused: " + str(error)[:70]
    seconds = time.monotonic() - started
    status = Path("/proc/self/status").read_text().splitlines()
    peak = next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM:"))
    json.dump({"outcome": outcome, "seconds": seconds, "before": before, "peak": peak}, sys.stdout)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcv.settings")
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    os.environ.setdefault("LCV_DEMO", "false")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
    if len(sys.argv) == 3 and sys.argv[1] == "--read":
        _read_one(sys.argv[2])
        return
    import django

    django.setup()
    with tempfile.TemporaryDirectory() as folder:
        print("generating files ...", flush=True)
        paths = _files(Path(folder))
        print(f"{'file':36} {'size':>10} {'seconds':>8} {'RSS before':>11} {'peak RSS':>9}  outcome")
        for name, path in paths.items():
            command = [sys.executable, __file__, "--read", str(path)]  # our own script and file
            result = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
            figures = json.loads(result.stdout)
            print(
                f"{name:36} {path.stat().st_size / 1024:>8,.0f}KB {figures['seconds']:>8.2f} "
                f"{figures['before']:>8} MB {figures['peak']:>6} MB  {figures['outcome']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
