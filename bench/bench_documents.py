"""Benchmark: render and seal one agreement PDF (issue 4: <= 1.5 s). Prints its figures.

.venv/bin/python bench/bench_documents.py      # SQLite in a temporary folder
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcv.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("LCV_DEMO", "false")
os.environ.setdefault("DATABASE_URL", "")
if not os.environ["DATABASE_URL"]:
    os.environ.pop("DATABASE_URL")
    os.environ["LCV_VAR_DIR"] = tempfile.mkdtemp(prefix="lcv-bench-")


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("create_seal_certificate", verbosity=0)
    from lcv.accounts.models import User
    from lcv.agreements.documents import draft_document, final_document, verify_pdf
    from lcv.agreements.generation import generate_agreements
    from lcv.agreements.models import Agreement, AgreementStatus, Signature
    from lcv.organisations.models import Municipality, Organisation, OrganisationKind, Sector

    municipality = Municipality.objects.get(cbs_code="0344")
    Organisation.objects.create(kind=OrganisationKind.MUNICIPALITY, name="Gemeente Utrecht", municipality=municipality)
    for n in range(2):
        Organisation.objects.create(
            kind=OrganisationKind.SIGNAL_PARTNER,
            name=f"Water {n}",
            kvk_number=f"1234567{n}",
            sector=Sector.WATER,
            national_coverage=True,
        )
    generate_agreements()
    print(f"seal certificate: {settings.LCV_SEAL_PKCS12}")
    for label, agreement in zip(
        ("first (cold process)", "second (warm)"), Agreement.objects.order_by("id"), strict=True
    ):
        started = time.perf_counter()
        draft = draft_document(agreement)
        render = time.perf_counter() - started
        for party in (agreement.municipal_party, agreement.partner):
            signer = User.objects.create_user(f"signer{agreement.pk}-{party.pk}@bench.nl", full_name="Signer")
            Signature.objects.create(
                agreement=agreement, organisation=party, signer=signer, document_sha256=draft.sha256
            )
        Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ACTIVE)
        agreement.refresh_from_db()
        started = time.perf_counter()
        final = final_document(agreement)
        seal = time.perf_counter() - started
        intact = "intact" if verify_pdf(bytes(final.pdf)).ok else "FAILED"
        print(
            f"{label}: render draft {render:.2f} s + signature page and PAdES seal {seal:.2f} s "
            f"= {render + seal:.2f} s (target <= 1.5 s); {len(bytes(final.pdf)) // 1024} KiB, verification {intact}"
        )


if __name__ == "__main__":
    main()
