"""Version 1 of the LCV agreement template with the art. 3.1 windows per sector (FACTS.md)."""

from __future__ import annotations

from typing import Any

TITLE = "Overeenkomst behorende bij het Landelijk Convenant Vroegsignalering Schulden"
WINDOWS_V1: dict[str, dict[str, int | None]] = {
    "energy": {"min_days": 30, "max_days": None},  # 3.1 a, since 30 Nov 2022
    "water": {"min_days": 30, "max_days": None},  # 3.1 b
    "housing": {"min_days": 30, "max_days": None},
    "health_insurance": {"min_days": 30, "max_days": 100},
}


def ensure_template_v1(model: Any = None) -> Any:
    """Create version 1 when it is missing; returns it. `model` lets the migration pass its own."""
    if model is None:
        from lcv.agreements.models import AgreementTemplate as model
    template, _ = model.objects.get_or_create(
        version=1,
        defaults={
            "title": TITLE,
            "template_name": "agreements/document/lcv_v1.html",
            "windows": WINDOWS_V1,
            "is_current": not model.objects.filter(is_current=True).exists(),
        },
    )
    return template


def current_template() -> Any:
    from lcv.agreements.models import AgreementTemplate

    return AgreementTemplate.objects.filter(is_current=True).first() or ensure_template_v1()
