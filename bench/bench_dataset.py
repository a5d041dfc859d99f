"""Benchmark: the national-scale data set of issue 11 (`lcv national_dataset`). Prints its figures;
asserts nothing about time.

    .venv/bin/python bench/bench_dataset.py                    # 1,000,000 stored + 150,000 new
    .venv/bin/python bench/bench_dataset.py --stored 100000 --new 15000
    .venv/bin/python bench/bench_dataset.py --keep             # leave the database for other benches
    .venv/bin/python bench/bench_dataset.py --reuse            # use a kept database, only measure

It creates a fresh PostgreSQL database `lcv_bench_dataset` (or the one in LCV_BENCH_POSTGRES: use a
scratch name, it is dropped), migrates it, runs the command in this process and prints its time and
the row counts. Then the baseline the grouping bench compares against: a plain INSERT ... SELECT of
the new month's signals (id + address columns) into a scratch table, `plain_insert_select`.

Other benches (the cases grouping) can reuse both:

    sys.path.insert(0, "bench"); from bench_dataset import ensure_dataset, plain_insert_select
    ensure_dataset(url, stored=..., new=...)   # builds it once; a kept database is reused
    seconds, rows = plain_insert_select()      # in the same run as the measurement it is compared with
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcv.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("LCV_DEMO", "false")

POSTGRES_URL = os.environ.get("LCV_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/lcv_bench_dataset")
ZONE = ZoneInfo("Europe/Amsterdam")
MONTH = date(2026, 11, 1)
SCRATCH = "bench_plain_new_month"


def database(url: str, *, create: bool, drop: bool) -> bool:
    """Drop and/or create the database; returns whether it existed before."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        existed = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if drop:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create and (drop or not existed):
            connection.execute(f'CREATE DATABASE "{name}"')
    return existed


def ensure_dataset(url: str = POSTGRES_URL, *, stored: int, new: int, seed: int = 1, fresh: bool = False) -> float:
    """Point Django at `url`, migrate, and build the data set (nothing is added when it is there
    already). Returns the seconds the command took."""
    os.environ["DATABASE_URL"] = url
    database(url, create=True, drop=fresh)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("national_dataset", stored=stored, new=new, seed=seed, month=f"{MONTH:%Y-%m}", stdout=sys.stdout)
    return time.perf_counter() - started


def month_bounds(month: date = MONTH) -> tuple[datetime, datetime]:
    after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return datetime(month.year, month.month, 1, tzinfo=ZONE), datetime(after.year, after.month, 1, tzinfo=ZONE)


def plain_insert_select(month: date = MONTH) -> tuple[float, int]:
    """The baseline for grouping the new month's signals into cases: one INSERT ... SELECT of the
    same rows (id, receiving party, normalised address) into a fresh scratch table (logged, with a
    primary key, as a real table is), timed with its commit. Returns (seconds, rows)."""
    from django.db import connection, transaction

    low, high = month_bounds(month)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(
            f"CREATE TABLE {SCRATCH} (signal_id bigint PRIMARY KEY, municipal_party_id bigint NOT NULL, "
            "postcode varchar(6) NOT NULL, house_number integer NOT NULL, addition varchar(10) NOT NULL)"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SCRATCH} (signal_id, municipal_party_id, postcode, house_number, addition) "  # noqa: S608
            "SELECT id, municipal_party_id, postcode, house_number, upper(house_number_addition) "
            "FROM signals_signal WHERE received_at >= %s AND received_at < %s",
            [low, high],
        )
        rows = cursor.rowcount
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SCRATCH}")
    return seconds, rows


def counts() -> list[tuple[str, int]]:
    from django.db import connection

    tables = (
        ("organisations", "organisations_organisation"),
        ("agreements", "agreements_agreement"),
        ("postcode rows", "signals_postcoderange"),
        ("deliveries", "signals_delivery"),
        ("signals", "signals_signal"),
    )
    found = []
    with connection.cursor() as cursor:
        for label, table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            found.append((label, cursor.fetchone()[0]))
        low, high = month_bounds()
        cursor.execute("SELECT count(*) FROM signals_signal WHERE received_at >= %s AND received_at < %s", [low, high])
        found.append((f"signals in {MONTH:%Y-%m}", cursor.fetchone()[0]))
        cursor.execute(
            "SELECT count(*) FROM signals_signal WHERE received_at >= %s AND received_at < %s "
            "AND extract(day FROM received_at AT TIME ZONE 'Europe/Amsterdam') BETWEEN 20 AND 25",
            [low, high],
        )
        found.append(("  of which the 20th-25th", cursor.fetchone()[0]))
        cursor.execute(
            "SELECT o.name, count(*) FROM signals_signal s JOIN organisations_organisation o "
            "ON o.id = s.municipal_party_id WHERE s.received_at >= %s AND s.received_at < %s "
            "GROUP BY o.name ORDER BY count(*) DESC LIMIT 1",
            [low, high],
        )
        name, largest = cursor.fetchone()
        found.append((f"  of which the largest party ({name})", largest))
        cursor.execute("SELECT pg_total_relation_size('signals_signal')")
        found.append(("signals table + indexes, MiB", cursor.fetchone()[0] // 2**20))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=150_000)
    parser.add_argument("--keep", action="store_true", help="leave the database for other benches")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database (implies --keep)")
    options = parser.parse_args()
    keep = options.keep or options.reuse
    print(
        f"PostgreSQL database {urlsplit(POSTGRES_URL).path.lstrip('/')}; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} (other work on the machine makes the times vary)"
    )
    try:
        seconds = ensure_dataset(stored=options.stored, new=options.new, fresh=not options.reuse)
        from django.db import connection

        print(f"\n== lcv national_dataset --stored {options.stored} --new {options.new}: {seconds:.1f} s ==")
        for label, count in counts():
            print(f"{label:<50} {count:>12,}")
        runs = [plain_insert_select() for _ in range(3)]
        print(f"\n== plain INSERT ... SELECT of the {MONTH:%Y-%m} signals' ids + addresses (3 runs) ==")
        print(", ".join(f"{s:.2f} s ({n:,} rows)" for s, n in runs) + f"; median {sorted(s for s, _ in runs)[1]:.2f} s")
        connection.close()
    finally:
        if not keep:
            database(POSTGRES_URL, create=False, drop=True)


if __name__ == "__main__":
    main()
