"""Test helpers for signal intake: an active agreement, postcode rows, a CSV delivery."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping
from typing import Any

from lcv.agreements.generation import generate_agreements
from lcv.agreements.models import Agreement, AgreementStatus
from lcv.organisations.models import Municipality, Organisation
from lcv.signals.columns import COLUMNS, NAMES
from lcv.signals.models import PostcodeRange


def activate_all(partner: Organisation) -> list[Agreement]:
    """Generate the partner's agreements and make them active (signing is tested elsewhere)."""
    generate_agreements()
    Agreement.objects.filter(partner=partner).update(status=AgreementStatus.ACTIVE)
    return list(Agreement.objects.filter(partner=partner))


def postcode(code: str, cbs_code: str, house_from: int | None = None, house_to: int | None = None) -> PostcodeRange:
    return PostcodeRange.objects.create(
        postcode=code,
        house_from=house_from,
        house_to=house_to,
        municipality=Municipality.objects.get(cbs_code=cbs_code),
    )


EXAMPLE: dict[str, str] = {column.name: column.example for column in COLUMNS}


def row(**changes: Any) -> dict[str, str]:
    """The template's example row (drinking water, Utrecht 3511AB 12) with changes. A row for another
    address gets its own customer number (unless one is given): one customer number is one contract,
    and the same number with the same arrears is the same signal (processing.signal_identity)."""
    values = dict(EXAMPLE)
    values.update({key: str(value) for key, value in changes.items()})
    moved = any(key in changes for key in ("postcode", "huisnummer", "toevoeging"))
    if moved and "klantnummer" not in changes:
        address = f"{values['postcode']}|{values['huisnummer']}|{values['toevoeging']}"
        values["klantnummer"] = "K-" + hashlib.sha256(address.encode()).hexdigest()[:10]
    return values


def csv_bytes(rows: Iterable[Mapping[str, str]], header: list[str] | None = None, delimiter: str = ";") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or list(NAMES), delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    for values in rows:
        writer.writerow(values)
    return out.getvalue().encode()
