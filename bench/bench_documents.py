"""Benchmark for agreement documents (R6). Prints its figures; asserts nothing about time.

    .venv/bin/python bench/bench_documents.py            # SQLite, in a temporary folder

Target: render and seal one agreement PDF (draft + final) <= 1.5 s. The first agreement in a process
also pays for loading WeasyPrint, pyHanko and the fonts ("cold"); the others show the steady state
of a worker that seals one agreement after another ("warm").
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcv.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("LCV_DEMO", "false")
os.environ.pop("DATABASE_URL", None)  # SQLite only: the figures are about rendering and sealing
os.environ["LCV_VAR_DIR"] = tempfile.mkdtemp(prefix="lcv-bench-")
os.environ["LCV_SEAL_PKCS12"] = str(Path(os.environ["LCV_VAR_DIR"]) / "seal" / "bench-seal.p12")
os.environ["LCV_SEAL_PASSWORD"] = "bench-only"

AGREEMENTS = 6


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("create_seal_certificate", verbosity=0)
    from django.db import connection

    from lcv.accounts.models import User
    from lcv.agreements.documents import draft_document, enable_sealing, final_document, verify_pdf

    enable_sealing()  # this process plays the worker
    from lcv.agreements.generation import generate_agreements
    from lcv.agreements.models import Agreement, AgreementStatus, Signature
    from lcv.organisations.models import Municipality, Organisation, OrganisationKind, Sector, SignalSystem

    municipality = Municipality.objects.get(cbs_code="0344")
    Organisation.objects.create(
        kind=OrganisationKind.MUNICIPALITY,
        name="Gemeente Utrecht",
        municipality=municipality,
        signal_system=SignalSystem.VPS,
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
            for n in range(AGREEMENTS)
        ]
    )
    generate_agreements()
    agreements = list(Agreement.objects.select_related("municipal_party", "partner", "template").order_by("pk"))
    print(f"database: {connection.vendor}; {len(agreements)} agreements")

    rows: list[tuple[float, float, float, int]] = []
    for n, agreement in enumerate(agreements):
        started = time.perf_counter()
        draft = draft_document(agreement)
        draft_seconds = time.perf_counter() - started

        for party in agreement.parties:  # signed straight in the database: the signing flow is not measured
            signer = User.objects.create_user(f"teken{n}-{party.pk}@bench.nl", full_name=f"Tekenaar {party.name}")
            Signature.objects.create(
                agreement=agreement,
                organisation=party,
                signer=signer,
                ip_address="192.0.2.9",
                document_sha256=draft.sha256,
            )
        Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ACTIVE)
        agreement.refresh_from_db()

        started = time.perf_counter()
        final = final_document(agreement)
        final_seconds = time.perf_counter() - started

        started = time.perf_counter()
        assert verify_pdf(bytes(final.pdf)).ok  # a check of the result, not of the time
        verify_seconds = time.perf_counter() - started
        rows.append((draft_seconds, final_seconds, verify_seconds, len(final.pdf)))

    cold, warm = rows[0], rows[1:]
    print(
        f"cold (first in the process): draft {cold[0]:.2f} s + final (signature page, seal) {cold[1]:.2f} s"
        f" = {cold[0] + cold[1]:.2f} s; verify {cold[2]:.2f} s"
    )
    draft_median = statistics.median(r[0] for r in warm)
    final_median = statistics.median(r[1] for r in warm)
    verify_median = statistics.median(r[2] for r in warm)
    print(
        f"warm (median of {len(warm)}): draft {draft_median:.2f} s + final {final_median:.2f} s"
        f" = {draft_median + final_median:.2f} s (target <= 1.5 s); verify {verify_median:.2f} s"
    )
    print(f"sealed PDF size: {statistics.median(r[3] for r in rows) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
