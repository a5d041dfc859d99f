"""Reference data: the 342 municipalities of 1 January 2025 (CBS), shipped in data/."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "gemeenten-2025.csv"


def read_municipalities() -> list[tuple[str, str]]:
    with DATA.open(encoding="utf-8") as handle:
        return [(row["cbs_code"].zfill(4), row["name"]) for row in csv.DictReader(handle)]


def load_municipalities(model: Any = None) -> int:
    """Insert the municipalities that are missing; returns how many were added. Idempotent.

    `model` lets the data migration pass its historical model."""
    if model is None:
        from lcv.organisations.models import Municipality as model
    existing = set(model.objects.values_list("cbs_code", flat=True))
    missing = [model(cbs_code=code, name=name) for code, name in read_municipalities() if code not in existing]
    model.objects.bulk_create(missing)
    return len(missing)
