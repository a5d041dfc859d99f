"""Run as `python -m lcv.signals.tests.kill_helper setup|dump` against DATABASE_URL: the separate
process side of test_worker_kill.py (a real database, a real worker, a real kill)."""

from __future__ import annotations

import json
import os
import sys

import django


def setup(rows: int) -> None:
    from lcv.organisations.models import Sector
    from lcv.signals.intake import receive_file
    from lcv.testing.factories import make_organisation, member, municipality_organisation
    from lcv.testing.signals import activate_all, csv_bytes, postcode, row

    municipality_organisation("0344")
    municipality_organisation("0355")
    energy = make_organisation(name="Energie Direct", sector=Sector.ENERGY, national_coverage=True)
    activate_all(energy)
    postcode("3511AB", "0344")
    postcode("3701AA", "0355")
    postcode("1011AA", "0363")  # Amsterdam: no agreement
    lines = []
    for n in range(rows):
        # a vroegsignaal early in the file and eindelevering later for the same address (R15 spans chunks),
        # every 7th row refused, addresses spread over two municipalities and one without agreement
        house = n % 997 + 1
        code = ("3511AB", "3701AA", "1011AA")[n % 3] if n % 7 else "3511AB"
        kind = "eindelevering" if n >= rows // 2 and n % 2 else "vroegsignaal"
        amount = "nul" if n % 7 == 0 else f"{100 + n % 500},{n % 100:02d}"
        lines.append(
            row(
                klantnummer=f"K{n}",
                soort="gas",
                type=kind,
                postcode=code,
                huisnummer=house,
                bedrag=amount,
                achterstand_sinds="01-01-2025",
            )
        )
    receive_file(
        organisation=energy, actor=member(energy, "deliverer"), file_name="groot.csv", content=csv_bytes(lines)
    )


def dump() -> None:
    from lcv.signals.models import Delivery, RowError, Signal

    delivery = Delivery.objects.get()
    skip = {"id", "delivery", "received_at", "agreement", "partner", "municipal_party", "municipality"}
    fields = [f.attname for f in Signal._meta.concrete_fields if f.name not in skip]
    result = {
        "delivery": [
            delivery.status,
            delivery.rows_total,
            delivery.rows_done,
            delivery.accepted,
            delivery.rejected,
            delivery.flagged,
        ],
        "signals": [
            [str(value) for value in values] for values in Signal.objects.order_by("row_number").values_list(*fields)
        ],
        "errors": list(
            RowError.objects.order_by("row_number", "field", "message").values_list("row_number", "field", "message")
        ),
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lcv.settings")
    django.setup()
    if sys.argv[1] == "setup":
        setup(int(sys.argv[2]))
    else:
        dump()
