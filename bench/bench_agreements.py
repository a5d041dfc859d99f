"""Benchmarks for agreements (issue 4). Prints its figures; asserts nothing about time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lcv_bench .venv/bin/python bench/bench_agreements.py
    .venv/bin/python bench/bench_agreements.py            # SQLite, in a temporary folder

On PostgreSQL the database named in DATABASE_URL is dropped and created again: use a scratch name.
Targets: generate 342 municipalities x 100 national partners <= 10 s (PostgreSQL); release 300
agreements in one action <= 3 s.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcv.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("LCV_DEMO", "false")
if not os.environ.get("DATABASE_URL"):
    os.environ["LCV_VAR_DIR"] = tempfile.mkdtemp(prefix="lcv-bench-")


def fresh_postgres_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        fresh_postgres_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from lcv.accounts.models import User
    from lcv.agreements.generation import generate_agreements
    from lcv.agreements.models import Agreement
    from lcv.agreements.services import release_agreements
    from lcv.organisations.models import Membership, Municipality, Organisation, OrganisationKind, Sector

    municipalities = list(Municipality.objects.all())
    Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrganisationKind.MUNICIPALITY, name=f"Gemeente {m.name}", municipality=m, signal_system="vps"
            )
            for m in municipalities
        ]
    )
    sectors = [Sector.HOUSING, Sector.WATER, Sector.ENERGY, Sector.HEALTH_INSURANCE]
    Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrganisationKind.SIGNAL_PARTNER,
                name=f"Partner {n:03d}",
                kvk_number=f"{20000000 + n}",
                sector=sectors[n % 4],
                national_coverage=True,
            )
            for n in range(100)
        ]
    )
    print(f"database: {connection.vendor}; {len(municipalities)} municipalities, 100 national partners")

    started = time.perf_counter()
    created = generate_agreements()
    generation = time.perf_counter() - started
    print(f"generate agreements: {created} in {generation:.2f} s (target <= 10 s on PostgreSQL)")

    started = time.perf_counter()
    again = generate_agreements()
    print(f"generate again (idempotent): {again} new in {time.perf_counter() - started:.2f} s")

    amsterdam = Organisation.objects.get(municipality__cbs_code="0363")
    regional = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrganisationKind.SIGNAL_PARTNER,
                name=f"Regionaal {n:03d}",
                kvk_number=f"{30000000 + n}",
                sector=Sector.HOUSING,
            )
            for n in range(200)
        ]
    )
    through = Organisation.municipalities.through
    through.objects.bulk_create(
        [through(organisation_id=p.pk, municipality_id=amsterdam.municipality_id) for p in regional]
    )
    generate_agreements()
    contact = User.objects.create_user("contact@amsterdam.bench", full_name="Contact")
    Membership.objects.create(user=contact, organisation=amsterdam, is_contact=True)
    ids = list(Agreement.objects.filter(municipal_party=amsterdam).values_list("id", flat=True))
    started = time.perf_counter()
    released = release_agreements(agreement_ids=ids, municipal_party=amsterdam, actor=contact)
    release = time.perf_counter() - started
    print(f"release in one action: {released} agreements in {release:.2f} s (target <= 3 s)")


if __name__ == "__main__":
    main()
