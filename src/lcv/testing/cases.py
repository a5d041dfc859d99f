"""Test helpers for case handling: a chain of partners delivering to a municipality, through the
real intake (file received, processed) and the real grouping."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lcv.cases.grouping import group_deliveries
from lcv.cases.models import Case
from lcv.organisations.models import Organisation
from lcv.signals.intake import receive_file
from lcv.signals.models import Delivery
from lcv.signals.processing import process_delivery
from lcv.testing.factories import member
from lcv.testing.signals import csv_bytes, row

TYPE_OF_SECTOR = {
    "water": "drinkwater",
    "energy": "elektriciteit",
    "housing": "huur",
    "health_insurance": "zorgverzekering",
}
RENT_ATTESTATIONS = {"schriftelijke_herinnering": "ja", "geen_bezwaar_huurder": "ja"}


@dataclass
class Chain:
    utrecht: Organisation
    zeist: Organisation
    water: Organisation
    energy: Organisation
    housing: Organisation
    handler: Any
    counter: list[int] = field(default_factory=lambda: [0])

    def signal(self, partner: Organisation, **changes: Any) -> dict[str, str]:
        """A row of this partner's sector (type from the sector) with changes."""
        values: dict[str, Any] = {"soort": TYPE_OF_SECTOR[partner.sector]}
        if partner.sector == "housing":
            values |= RENT_ATTESTATIONS
        return row(**(values | changes))

    def deliver(self, partner: Organisation, rows: Iterable[Mapping[str, str]], *, group: bool = True) -> Delivery:
        """Receive and process a file of the partner's deliverer; then group it (R18)."""
        self.counter[0] += 1
        deliverer = partner.memberships.filter(is_deliverer=True).first()
        user = (
            deliverer.user if deliverer else member(partner, "deliverer", email=f"d{self.counter[0]}@{partner.pk}.nl")
        )
        received = receive_file(
            organisation=partner, actor=user, file_name=f"levering-{self.counter[0]}.csv", content=csv_bytes(list(rows))
        )
        delivery = process_delivery(received.delivery.pk)
        assert delivery.rejected == 0, list(delivery.row_errors.values_list("row_number", "field", "message"))
        if group:
            group_deliveries([delivery.pk])
        return delivery

    def open_case(self, postcode: str = "3511AB", number: int = 12) -> Case:
        return Case.objects.get(postcode=postcode, house_number=number, is_open=True)
