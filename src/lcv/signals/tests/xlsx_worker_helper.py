"""Run as `python -m lcv.signals.tests.xlsx_worker_helper setup|dump` against DATABASE_URL: the
separate-process side of test_xlsx_worker.py (a real database, a real worker)."""

from __future__ import annotations

import json
import os
import sys

import django

GOOD_ROWS = 2_000


def setup() -> None:
    from lcv.organisations.models import Sector
    from lcv.signals.intake import receive_file
    from lcv.testing import xlsx_files
    from lcv.testing.factories import make_organisation, member, municipality_organisation
    from lcv.testing.signals import activate_all, csv_bytes, postcode, row

    municipality_organisation("0344")
    energy = make_organisation(name="Energie Direct", sector=Sector.ENERGY, national_coverage=True)
    activate_all(energy)
    postcode("3511AB", "0344")
    deliverer = member(energy, "deliverer")
    hostile = {
        "groot-werkblad.xlsx": xlsx_files.huge_declared_sheet(),
        "teksten-bom.xlsx": xlsx_files.shared_string_bomb(megabytes=300),
        "entiteit.xlsx": xlsx_files.entity_in_sheet(),
        "zip-bom.xlsx": xlsx_files.zip_bomb(megabytes=300),
    }
    # the hostile files first: the good delivery waits behind them in the queue
    for name, content in hostile.items():
        receive_file(organisation=energy, actor=deliverer, file_name=name, content=content)
    good = [row(klantnummer=f"K{n}", soort="gas", huisnummer=n % 997 + 1) for n in range(GOOD_ROWS)]
    receive_file(organisation=energy, actor=deliverer, file_name="goed.xlsx", content=xlsx_files.good(good))
    # other signals than the Excel file's (the same ones would be repeats, not admitted twice)
    other = [row(klantnummer=f"C{n}", soort="gas", huisnummer=n % 997 + 1) for n in range(100)]
    receive_file(organisation=energy, actor=deliverer, file_name="goed.csv", content=csv_bytes(other))


def dump() -> None:
    from lcv.signals.models import Delivery

    deliveries = Delivery.objects.order_by("pk").defer("content")
    json.dump(
        {
            delivery.file_name: {
                "status": delivery.status,
                "attempts": delivery.attempts,
                "accepted": delivery.accepted,
                "error": delivery.error,
                "seconds": (delivery.finished_at - delivery.started_at).total_seconds()
                if delivery.finished_at and delivery.started_at
                else None,
            }
            for delivery in deliveries
        },
        sys.stdout,
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcv.settings")
    django.setup()
    if sys.argv[1] == "setup":
        setup()
    else:
        dump()
