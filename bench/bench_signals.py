"""Benchmark for signal intake (issue 5). Prints its figures; asserts nothing about time.

    .venv/bin/python bench/bench_signals.py             # PostgreSQL + SQLite, one run
    .venv/bin/python bench/bench_signals.py --profile   # also: a second PostgreSQL run under cProfile

A 100,000-row CSV delivery of a national water partner (50 municipalities with active agreements, a
postcode table of a few thousand postcodes, ~95 % good rows and ~5 % bad rows of several kinds) is
processed end to end with `process_delivery` (parse, validate, route, agreement check, store) in a
fresh process, so that its peak RSS is not that of generating the file. In the same run:

  (a) raw COPY of the same 100,000 rows, already converted to the signal columns, into a table
      equivalent to signals_signal (same columns, defaults, indexes, checks and foreign keys), and
      for reference into the same without foreign keys, and into a bare copy of its columns (LIKE ...
      INCLUDING DEFAULTS: no indexes, no keys);
  (b) a naive importer: csv.DictReader, one PostcodeRange query and one Signal.objects.create per
      row, timed on the first NAIVE_ROWS rows and extrapolated linearly to 100,000;
  (c) the same end-to-end processing on a temporary SQLite database.

Targets (PostgreSQL): end to end <= 3x the COPY time, >= 20x faster than the naive importer, peak
RSS <= 300 MB.

The PostgreSQL database `lcv_bench_signals` (or the one named in LCV_BENCH_POSTGRES) is dropped and
created again, and dropped at the end: use a scratch name.
"""

from __future__ import annotations

import contextlib
import cProfile
import csv
import hashlib
import io
import json
import os
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcv.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("LCV_DEMO", "false")

POSTGRES_URL = os.environ.get("LCV_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/lcv_bench_signals")
ROWS = 100_000
NAIVE_ROWS = 5_000
COPY_REPEATS = 3
SEED = 5
REGISTERED = 50  # municipalities with an active agreement with the partner
DRAFT = 3  # registered, but the agreement is only a draft: their rows are refused
UNREGISTERED = 20  # in the postcode table, not in the portal: their rows are refused
POSTCODES_PER_MUNICIPALITY = 60
TARGET_COPY_RATIO = 3.0
TARGET_NAIVE_SPEEDUP = 20.0
TARGET_RSS_MB = 300.0

SURNAMES = (
    "Jansen",
    "de Vries",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "Dijkstra",
    "Kok",
    "Verhoeven",
    "Yilmaz",
    "El Amrani",
    "Bouzid",
    "Nguyen",
    "Kaya",
    "Wijaya",
    "Pinas",
    "Bergsma",
    "Hoekstra",
    "Schouten",
    "Kuipers",
    "Veenstra",
    "Özdemir",
    "Müller",
)
PREFIXES = ("", "", "", "", "van", "de", "van der", "van den", "ter", "van de")
STREETS = (
    "Dorpsstraat",
    "Kerkstraat",
    "Schoolstraat",
    "Molenweg",
    "Stationsweg",
    "Julianastraat",
    "Beatrixlaan",
    "Wilhelminastraat",
    "Prinses Irenestraat",
    "Nieuwstraat",
    "Hoofdstraat",
    "Marktplein",
    "Parallelweg",
    "Esdoornlaan",
    "Lindelaan",
    "Zuiderweg",
    "Laan van Nieuw-Oost-Indië",
    "'s-Gravendijkwal",
)
ADDITIONS = ("", "", "", "", "", "", "", "A", "B", "1", "2", "bis", "hs", "III")


# ---------------------------------------------------------------------------------------------------
# the world and the delivery


def make_plan(cbs_codes: list[str], names: dict[str, str]) -> dict[str, Any]:
    """Which municipalities are registered, and the postcode table: pure data, the same for both databases."""
    rng = random.Random(SEED)  # noqa: S311 - test data
    chosen = rng.sample(sorted(cbs_codes), REGISTERED + DRAFT + UNREGISTERED)
    registered, draft, unregistered = (
        chosen[:REGISTERED],
        chosen[REGISTERED : REGISTERED + DRAFT],
        chosen[REGISTERED + DRAFT :],
    )
    codes: set[str] = set()

    def new_code() -> str:
        while True:
            code = f"{rng.randrange(1000, 10000)}{chr(65 + rng.randrange(26))}{chr(65 + rng.randrange(26))}"
            if code not in codes:
                codes.add(code)
                return code

    ranges: list[tuple[str, int | None, int | None, str]] = []  # postcode, from, to, cbs code
    good: list[str] = []  # postcodes whose every house number lies in a registered municipality
    split: list[str] = []  # two registered municipalities: 1-99 and 100 up
    refused: list[str] = []  # draft or unregistered municipalities
    for cbs in registered:
        for _ in range(POSTCODES_PER_MUNICIPALITY):
            code = new_code()
            if rng.random() < 0.1:
                other = rng.choice(registered)
                ranges += [(code, 1, 99, cbs), (code, 100, None, other)]
                split.append(code)
            else:
                ranges.append((code, None, None, cbs))
                good.append(code)
    for cbs in draft + unregistered:
        for _ in range(POSTCODES_PER_MUNICIPALITY // 3):
            code = new_code()
            ranges.append((code, None, None, cbs))
            refused.append(code)
    unknown = [new_code() for _ in range(500)]  # a valid format, but not in the table
    return {
        "registered": registered,
        "draft": draft,
        "unregistered": unregistered,
        "ranges": ranges,
        "good": good,
        "split": split,
        "refused": refused,
        "unknown": unknown,
        "names": {cbs: names[cbs] for cbs in chosen},
    }


def setup_world(plan: dict[str, Any]) -> tuple[Any, Any]:
    """Like the tests' `world`: Water Midden (national, water) with active agreements with the
    registered municipalities, drafts with a few more, and the postcode table. Returns (partner, deliverer)."""
    from lcv.agreements.generation import generate_agreements
    from lcv.organisations.models import Municipality, Sector
    from lcv.signals.models import PostcodeRange
    from lcv.testing.factories import make_organisation, member, municipality_organisation
    from lcv.testing.signals import activate_all

    for cbs in plan["registered"]:
        municipality_organisation(cbs)
    water = make_organisation(name="Water Midden", sector=Sector.WATER, national_coverage=True)
    activate_all(water)
    for cbs in plan["draft"]:
        municipality_organisation(cbs)
    generate_agreements()  # the drafts' agreements stay drafts
    municipality_id = dict(Municipality.objects.values_list("cbs_code", "id"))
    PostcodeRange.objects.bulk_create(
        [
            PostcodeRange(postcode=code, house_from=low, house_to=high, municipality_id=municipality_id[cbs])
            for code, low, high, cbs in plan["ranges"]
        ],
        batch_size=2000,
    )
    return water, member(water, "deliverer", email="aanlever@water.bench")


def municipality_of(plan: dict[str, Any]) -> dict[tuple[str, int], str]:
    """Not per house number: (postcode, 0) for a whole postcode, (postcode, 1) / (postcode, 100) for split ones."""
    found: dict[tuple[str, int], str] = {}
    for code, low, _high, cbs in plan["ranges"]:
        found[(code, low or 0)] = cbs
    return found


def generate_delivery(plan: dict[str, Any], today: date) -> tuple[bytes, list[dict[str, Any]], dict[str, int]]:
    """The CSV (bytes), the same rows as plain values for the COPY baseline, and the expected counts."""
    from lcv.signals.columns import NAMES

    rng = random.Random(SEED + 1)  # noqa: S311 - test data
    where = municipality_of(plan)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(NAMES)
    rows: list[dict[str, Any]] = []
    kinds: dict[str, int] = {}
    for n in range(ROWS):
        draw = rng.random()
        kind = (
            "good"
            if draw < 0.95
            else "unknown postcode"
            if draw < 0.96
            else "no agreement"
            if draw < 0.975
            else "bad amount"
            if draw < 0.985
            else "arrears too recent"
            if draw < 0.99
            else "bad format"
        )
        kinds[kind] = kinds.get(kind, 0) + 1
        house = rng.randrange(1, 250)
        if kind == "unknown postcode":
            code = rng.choice(plan["unknown"])
        elif kind == "no agreement":
            code = rng.choice(plan["refused"])
        elif rng.random() < 0.1:
            code = rng.choice(plan["split"])
        else:
            code = rng.choice(plan["good"])
        cbs = where.get((code, 0)) or where.get((code, 1 if house < 100 else 100)) or plan["registered"][0]
        surname = rng.choice(SURNAMES)
        initials = ".".join(chr(65 + rng.randrange(26)) for _ in range(rng.randrange(1, 4))) + "."
        prefix = rng.choice(PREFIXES)
        birth = date(1935, 1, 1) + timedelta(days=rng.randrange(0, 25_000))
        since = today - timedelta(days=rng.randrange(3, 20) if kind == "arrears too recent" else rng.randrange(40, 700))
        amount = Decimal(rng.randrange(1_000, 500_000)) / 100
        values = {
            "klantnummer": f"K-{rng.randrange(10**7):07d}",
            "voorletters": initials,
            "tussenvoegsel": prefix,
            "achternaam": surname,
            "geboortedatum": birth.strftime("%d-%m-%Y"),
            "postcode": code if rng.random() < 0.8 else f"{code[:4]} {code[4:].lower()}",
            "huisnummer": str(house),
            "toevoeging": rng.choice(ADDITIONS),
            "straat": f"{rng.choice(STREETS)}",
            "woonplaats": plan["names"].get(cbs, "Ergens"),
            "telefoon": f"06{rng.randrange(10**8):08d}" if rng.random() < 0.6 else "",
            "email": f"{surname.lower().replace(' ', '')}{n}@voorbeeld.nl" if rng.random() < 0.4 else "",
            "soort": "drinkwater",
            "type": "vroegsignaal" if rng.random() < 0.85 else "afsluiting",
            "bedrag": f"{amount:.2f}".replace(".", ","),
            "achterstand_sinds": since.strftime("%d-%m-%Y"),
            "warme_overdracht": "ja" if rng.random() < 0.1 else "nee",
            "crisis": "ja" if rng.random() < 0.03 else "nee",
            "mvi_toegepast": "ja",
            "persoonlijk_contact_gezocht": "ja",
            "schriftelijke_herinnering": "",
            "geen_bezwaar_huurder": "",
        }
        if kind == "bad amount":
            values["bedrag"] = rng.choice(("veel", "-12,50", "0", "12,345", "1.000.000,00", ""))
        elif kind == "bad format":
            broken = rng.choice(("postcode", "huisnummer", "achterstand_sinds", "mvi_toegepast", "achternaam", "soort"))
            values[broken] = {
                "postcode": "12345",
                "huisnummer": f"{house}a",
                "achterstand_sinds": "31-02-2024",
                "mvi_toegepast": "nee",
                "achternaam": "",
                "soort": "parkeren",
            }[broken]
        writer.writerow([values[name] for name in NAMES])
        rows.append(
            {
                "row_number": n + 2,
                "cbs": cbs,
                "values": values,
                "amount": amount,
                "birth": birth,
                "since": since,
                "days": (today - since).days,
            }
        )
    data = out.getvalue().encode()
    return data, rows, kinds


def copy_text(rows: list[dict[str, Any]], delivery: Any, ids: dict[str, Any]) -> bytes:
    """The rows in the signal columns, as PostgreSQL COPY text (converted beforehand: not timed)."""

    def text(value: Any) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    received_at = delivery.received_at.isoformat()
    lines = []
    for row in rows:
        v = row["values"]
        cbs = row["cbs"]
        party = ids["party"].get(cbs) or ids["party"][ids["first"]]
        record = (
            delivery.pk,
            row["row_number"],
            ids["partner"],
            party,
            ids["municipality"][cbs],
            ids["agreement"].get(party),
            False,
            v["klantnummer"],
            v["voorletters"],
            v["tussenvoegsel"],
            v["achternaam"] or "-",
            row["birth"].isoformat(),
            v["postcode"].replace(" ", "").upper()[:6],
            int(v["huisnummer"]) if v["huisnummer"].isdigit() else 1,
            v["toevoeging"],
            v["straat"],
            v["woonplaats"],
            v["telefoon"],
            v["email"],
            "water",
            "early" if v["type"] == "vroegsignaal" else "shut_off",
            row["amount"],
            row["since"].isoformat(),
            row["days"],
            v["warme_overdracht"] == "ja",
            v["crisis"] == "ja",
            True,
            True,
            None,
            None,
            False,
            False,
            received_at,
            hashlib.sha256(f"{row['row_number']}|{v['klantnummer']}".encode()).hexdigest()[:32],  # identity
            False,  # beyond_window
        )
        lines.append("\t".join(text(value) for value in record))
    return ("\n".join(lines) + "\n").encode()


# ---------------------------------------------------------------------------------------------------
# child processes


def peak_rss_mb() -> float:
    """Peak RSS of this process image. Not ru_maxrss: on Linux that survives fork + exec, so a child
    would report the parent's size (here: the generated CSV); VmHWM belongs to the process image."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child_process(delivery_id: int, profile: bool) -> None:
    """Process one stored delivery in this (fresh) process and report time and peak RSS."""
    import django

    django.setup()
    from django.db import connection

    from lcv.signals.models import Delivery
    from lcv.signals.processing import process_delivery

    connection.ensure_connection()
    rss_before = peak_rss_mb()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    process_delivery(delivery_id)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    rss_after = peak_rss_mb()
    delivery = Delivery.objects.get(pk=delivery_id)
    if profiler:
        for order in ("cumulative", "tottime"):
            print(f"--- cProfile, top 30 by {order} ---", file=sys.stderr)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(30)
    result = {
        "seconds": seconds,
        "rss_before_mb": rss_before,
        "rss_peak_mb": rss_after,
        "status": delivery.status,
        "rows_total": delivery.rows_total,
        "accepted": delivery.accepted,
        "rejected": delivery.rejected,
        "flagged": delivery.flagged,
        "vendor": connection.vendor,
    }
    print("RESULT " + json.dumps(result))


def child_setup(plan_path: str, csv_path: str) -> None:
    """Migrate a fresh database, build the world and store the delivery (used for SQLite)."""
    import django

    django.setup()
    from django.core.management import call_command

    from lcv.signals.intake import receive_file

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    water, deliverer = setup_world(json.loads(Path(plan_path).read_text()))
    received = receive_file(
        organisation=water, actor=deliverer, file_name="signalen.csv", content=Path(csv_path).read_bytes()
    )
    print("RESULT " + json.dumps({"delivery_id": received.delivery.pk, "seconds": time.perf_counter() - started}))


def run_child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    completed = subprocess.run(  # noqa: S603 - this very script
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if completed.stderr:
        print(completed.stderr, file=sys.stderr, end="")
    if completed.returncode != 0:
        print(completed.stdout)
        raise SystemExit(f"child {args} failed with exit code {completed.returncode}")
    line = next(line for line in reversed(completed.stdout.splitlines()) if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


# ---------------------------------------------------------------------------------------------------
# baselines


def copy_baseline(url: str, data: bytes) -> dict[str, list[float]]:
    """COPY the pre-converted rows into (1) a table equivalent to signals_signal: same columns,
    defaults, identity, indexes, checks and the same foreign keys; (2) the same without the foreign
    keys; (3) a bare LIKE ... INCLUDING DEFAULTS table. Ordinary (logged) tables, like the real one.
    Only COPY + commit is timed."""
    import psycopg

    times: dict[str, list[float]] = {"equivalent": [], "indexed": [], "bare": []}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy_equivalent, bench_copy_indexed, bench_copy_bare")
        conn.execute("CREATE TABLE bench_copy_equivalent (LIKE signals_signal INCLUDING ALL)")
        conn.execute("CREATE TABLE bench_copy_indexed (LIKE signals_signal INCLUDING ALL)")
        keys = conn.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'signals_signal'::regclass AND contype = 'f'"
        ).fetchall()
        for (definition,) in keys:
            conn.execute(f"ALTER TABLE bench_copy_equivalent ADD {definition}")
        conn.execute("CREATE TABLE bench_copy_bare (LIKE signals_signal INCLUDING DEFAULTS INCLUDING IDENTITY)")
        from lcv.signals.processing import SIGNAL_COLUMNS

        columns = ", ".join(SIGNAL_COLUMNS)
        block = 1 << 20
        for _ in range(COPY_REPEATS):
            for table in times:
                conn.execute(f"TRUNCATE bench_copy_{table}")
                conn.execute("CHECKPOINT")
                started = time.perf_counter()
                with (
                    conn.transaction(),
                    conn.cursor() as cursor,
                    cursor.copy(f"COPY bench_copy_{table} ({columns}) FROM STDIN") as copy,
                ):
                    for offset in range(0, len(data), block):
                        copy.write(data[offset : offset + block])
                times[table].append(time.perf_counter() - started)
        counts = {table: conn.execute(f"SELECT count(*) FROM bench_copy_{table}").fetchone() for table in times}  # noqa: S608
        assert all(count == (ROWS,) for count in counts.values()), counts
        conn.execute("DROP TABLE bench_copy_equivalent, bench_copy_indexed, bench_copy_bare")
    return times


def naive_import(data: bytes, partner: Any, limit: int) -> tuple[float, int]:
    """What a first implementation would do: DictReader, one PostcodeRange query and one
    Signal.objects.create (its own transaction) per row. Bad rows are skipped, not reported."""
    from django.utils import timezone

    from lcv.agreements.models import Agreement, AgreementStatus
    from lcv.organisations.models import Organisation, OrganisationKind
    from lcv.signals.models import Delivery, PostcodeRange, Signal

    delivery = Delivery.objects.create(
        organisation=partner, source="api", client_reference="naive", file_format="csv", content=b"", sha256="-"
    )
    party_of = dict(
        Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).values_list("municipality_id", "id")
    )
    agreement_of = dict(
        Agreement.objects.filter(partner=partner, status=AgreementStatus.ACTIVE).values_list("municipal_party_id", "id")
    )

    def day(text: str) -> date:
        return datetime.strptime(text, "%d-%m-%Y").date()

    now = timezone.now()
    today = timezone.localdate()
    reader = csv.DictReader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""), delimiter=";")
    created = 0
    started = time.perf_counter()
    for number, raw in enumerate(reader, start=2):
        if number - 1 > limit:
            break
        try:
            postcode = raw["postcode"].replace(" ", "").upper()
            house = int(raw["huisnummer"])
            amount = Decimal(raw["bedrag"].replace(".", "").replace(",", "."))
            since = day(raw["achterstand_sinds"])
        except (ValueError, InvalidOperation):
            continue
        if not raw["achternaam"] or amount <= 0 or (today - since).days < 30 or raw["mvi_toegepast"] != "ja":
            continue
        municipality_id = None
        for low, high, found in PostcodeRange.objects.filter(postcode=postcode).values_list(
            "house_from", "house_to", "municipality_id"
        ):
            if (low or 0) <= house <= (high or 10**9):
                municipality_id = found
                break
        party = party_of.get(municipality_id)
        if party is None or party not in agreement_of:
            continue
        Signal.objects.create(
            delivery=delivery,
            row_number=number,
            partner=partner,
            municipal_party_id=party,
            municipality_id=municipality_id,
            agreement_id=agreement_of[party],
            customer_number=raw["klantnummer"],
            initials=raw["voorletters"],
            prefix=raw["tussenvoegsel"],
            surname=raw["achternaam"],
            birth_date=day(raw["geboortedatum"]) if raw["geboortedatum"] else None,
            postcode=postcode,
            house_number=house,
            house_number_addition=raw["toevoeging"],
            street=raw["straat"],
            city=raw["woonplaats"],
            phone=raw["telefoon"],
            email=raw["email"],
            signal_type="water",
            kind="early" if raw["type"] == "vroegsignaal" else "shut_off",
            amount=amount,
            arrears_since=since,
            days_in_arrears=(today - since).days,
            warm_transfer=raw["warme_overdracht"] == "ja",
            crisis=raw["crisis"] == "ja",
            socially_responsible_collection=True,
            personal_contact_attempted=True,
            received_at=now,
        )
        created += 1
    return time.perf_counter() - started, created


# ---------------------------------------------------------------------------------------------------
# the run


def fresh_postgres_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def main(profile: bool) -> None:
    total_started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="lcv-bench-signals-"))
    os.environ["LCV_VAR_DIR"] = str(workdir / "var")
    os.environ["DATABASE_URL"] = POSTGRES_URL
    fresh_postgres_database(POSTGRES_URL)
    try:
        run(workdir, profile)
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        fresh_postgres_database(POSTGRES_URL, drop_only=True)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n(whole benchmark: {time.perf_counter() - total_started:.0f} s)")


def run(workdir: Path, profile: bool) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from lcv.agreements.models import Agreement, AgreementStatus
    from lcv.organisations.models import Municipality, Organisation, OrganisationKind
    from lcv.signals.intake import receive_file
    from lcv.signals.models import Delivery, RowError, Signal

    call_command("migrate", verbosity=0)
    names = dict(Municipality.objects.values_list("cbs_code", "name"))
    plan = make_plan(list(names), names)
    water, deliverer = setup_world(plan)
    today = timezone.localdate()
    started = time.perf_counter()
    content, rows, kinds = generate_delivery(plan, today)
    generation = time.perf_counter() - started
    expected_good = kinds["good"]
    print(
        f"PostgreSQL {connection.pg_version // 10000}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs,"
        f" load average {os.getloadavg()[0]:.1f} (other work on the machine makes the times vary)"
    )
    print(
        f"world: {REGISTERED} municipalities with an active agreement with Water Midden, {DRAFT} with a draft,"
        f" {UNREGISTERED} unregistered; postcode table {len(plan['ranges'])} rows"
        f" ({len(plan['split'])} postcodes split over two municipalities)"
    )
    print(
        f"delivery: {ROWS:,} rows, {len(content) / 2**20:.1f} MiB CSV (generated in {generation:.1f} s); "
        + ", ".join(f"{kind} {count:,}" for kind, count in kinds.items())
    )

    received = receive_file(organisation=water, actor=deliverer, file_name="signalen.csv", content=content)
    delivery = received.delivery
    env = dict(os.environ)

    # --- end to end, PostgreSQL, fresh process ---------------------------------------------------
    pg = run_child(["--process", str(delivery.pk)], env)
    assert pg["status"] == "done", pg
    print("\n== end to end on PostgreSQL (process_delivery in a fresh process) ==")
    print(
        f"time {pg['seconds']:.2f} s, {ROWS / pg['seconds']:,.0f} rows/s;"
        f" accepted {pg['accepted']:,} (expected {expected_good:,}), rejected {pg['rejected']:,},"
        f" flagged {pg['flagged']:,}; {Signal.objects.filter(delivery=delivery).count():,} signals,"
        f" {RowError.objects.filter(delivery=delivery).count():,} row errors stored"
    )
    print(
        f"peak RSS {pg['rss_peak_mb']:.0f} MB (process before the call: {pg['rss_before_mb']:.0f} MB,"
        f" so +{pg['rss_peak_mb'] - pg['rss_before_mb']:.0f} MB for the delivery)"
    )

    # --- (a) COPY baseline --------------------------------------------------------------------------
    party = dict(
        Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).values_list("municipality__cbs_code", "id")
    )
    ids = {
        "partner": water.pk,
        "party": party,
        "first": plan["registered"][0],
        "municipality": dict(Municipality.objects.values_list("cbs_code", "id")),
        "agreement": dict(
            Agreement.objects.filter(partner=water, status=AgreementStatus.ACTIVE).values_list(
                "municipal_party_id", "id"
            )
        ),
    }
    data = copy_text(rows, Delivery.objects.get(pk=delivery.pk), ids)
    del rows
    copy_times = copy_baseline(POSTGRES_URL, data)
    copy_equivalent = statistics.median(copy_times["equivalent"])
    copy_indexed = statistics.median(copy_times["indexed"])
    copy_bare = statistics.median(copy_times["bare"])
    print(f"\n== (a) raw COPY of the same {ROWS:,} rows (pre-converted; median of {COPY_REPEATS}) ==")
    print(
        f"equivalent table (same columns, indexes, checks, foreign keys): {copy_equivalent:.2f} s,"
        f" {ROWS / copy_equivalent:,.0f} rows/s  [runs: {', '.join(f'{t:.2f}' for t in copy_times['equivalent'])}]"
    )
    print(
        f"same, without the foreign keys: {copy_indexed:.2f} s,"
        f" {ROWS / copy_indexed:,.0f} rows/s  [runs: {', '.join(f'{t:.2f}' for t in copy_times['indexed'])}]"
    )
    print(
        f"bare table (LIKE signals_signal INCLUDING DEFAULTS, no indexes/keys): {copy_bare:.2f} s,"
        f" {ROWS / copy_bare:,.0f} rows/s  [runs: {', '.join(f'{t:.2f}' for t in copy_times['bare'])}]"
    )

    # --- (b) naive importer -------------------------------------------------------------------------
    naive_seconds, naive_created = naive_import(content, water, NAIVE_ROWS)
    naive_full = naive_seconds * ROWS / NAIVE_ROWS
    print("\n== (b) naive importer (DictReader, 1 PostcodeRange query + 1 Signal.objects.create per row) ==")
    print(
        f"measured on the first {NAIVE_ROWS:,} rows: {naive_seconds:.2f} s ({naive_created:,} signals created),"
        f" {NAIVE_ROWS / naive_seconds:,.0f} rows/s"
    )
    print(f"EXTRAPOLATED linearly to {ROWS:,} rows (x{ROWS // NAIVE_ROWS}): {naive_full:.1f} s")

    # --- optional: the same processing under cProfile ------------------------------------------------
    if profile:
        again = receive_file(organisation=water, actor=deliverer, file_name="signalen-2.csv", content=content + b"\r\n")
        print("\n== cProfile of a second PostgreSQL run (stderr) ==")
        profiled = run_child(["--process", str(again.delivery.pk), "--profile"], env)
        print(f"time under cProfile: {profiled['seconds']:.2f} s")

    connection.close()

    # --- (c) SQLite ---------------------------------------------------------------------------------
    (workdir / "plan.json").write_text(json.dumps(plan))
    (workdir / "signalen.csv").write_bytes(content)
    sqlite_env = {**env, "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}"}
    setup = run_child(["--setup", str(workdir / "plan.json"), str(workdir / "signalen.csv")], sqlite_env)
    lite = run_child(["--process", str(setup["delivery_id"])], sqlite_env)
    assert lite["status"] == "done", lite
    print("\n== (c) end to end on SQLite (fresh process, WAL, synchronous=NORMAL) ==")
    print(
        f"time {lite['seconds']:.2f} s, {ROWS / lite['seconds']:,.0f} rows/s; accepted {lite['accepted']:,},"
        f" rejected {lite['rejected']:,}; peak RSS {lite['rss_peak_mb']:.0f} MB"
        f" (migrate + setup + store: {setup['seconds']:.1f} s, not timed)"
    )

    # --- summary ------------------------------------------------------------------------------------
    ratio = pg["seconds"] / copy_equivalent
    ratio_indexed = pg["seconds"] / copy_indexed
    ratio_bare = pg["seconds"] / copy_bare
    speedup = naive_full / pg["seconds"]
    print("\n== targets (PostgreSQL, 100,000 rows) ==")
    print(
        f"end to end / COPY (equivalent table): {pg['seconds']:.2f} / {copy_equivalent:.2f} s = {ratio:.2f}x"
        f" (target <= {TARGET_COPY_RATIO:.0f}x): {verdict(ratio <= TARGET_COPY_RATIO)}"
    )
    print(
        f"  stricter, against the table without foreign keys: {ratio_indexed:.2f}x:"
        f" {verdict(ratio_indexed <= TARGET_COPY_RATIO)}"
    )
    print(f"  strictest, against the bare table: {ratio_bare:.2f}x: {verdict(ratio_bare <= TARGET_COPY_RATIO)}")
    print(
        f"naive (extrapolated) / end to end: {naive_full:.1f} / {pg['seconds']:.2f} s = {speedup:.1f}x faster"
        f" (target >= {TARGET_NAIVE_SPEEDUP:.0f}x): {verdict(speedup >= TARGET_NAIVE_SPEEDUP)}"
    )
    print(
        f"peak RSS of the processing process: {pg['rss_peak_mb']:.0f} MB (target <= {TARGET_RSS_MB:.0f} MB):"
        f" {verdict(pg['rss_peak_mb'] <= TARGET_RSS_MB)}"
    )
    print(
        f"rows/s: end to end PostgreSQL {ROWS / pg['seconds']:,.0f}, SQLite {ROWS / lite['seconds']:,.0f};"
        f" COPY {ROWS / copy_equivalent:,.0f} (no keys {ROWS / copy_indexed:,.0f}, bare {ROWS / copy_bare:,.0f});"
        f" naive {NAIVE_ROWS / naive_seconds:,.0f}"
    )
    print(f"SQLite end to end: {lite['seconds']:.2f} s ({lite['seconds'] / pg['seconds']:.2f}x the PostgreSQL time)")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--process"]:
        child_process(int(arguments[1]), profile="--profile" in arguments)
    elif arguments[:1] == ["--setup"]:
        child_setup(arguments[1], arguments[2])
    else:
        main(profile="--profile" in arguments)
