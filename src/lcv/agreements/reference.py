"""The LCV agreement template: version 1 with the art. 3.1 windows per sector (FACTS.md), and the
second text (lcv_v2.html; issue 10): art. 3.5 no longer makes the 20th-25th a duty (FAQ 25), art.
3.2 names LCV-portaal among the systems, and the signature page replaces blank signature lines."""

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


TEXT_V2 = "agreements/document/lcv_v2.html"


def ensure_text_v2(model: Any = None, agreement_model: Any = None) -> Any:
    """Make the current version one with the second text, when it is not yet: a new version with the
    same windows becomes current, and drafts nobody has seen yet move to it (as a change of windows
    does). Returns the current version. The models let the migration pass its own."""
    if model is None:
        from lcv.agreements.models import Agreement as agreement_model
        from lcv.agreements.models import AgreementTemplate as model
    current = model.objects.filter(is_current=True).first() or ensure_template_v1(model)
    if current.template_name == TEXT_V2:
        return current
    latest = model.objects.order_by("-version").values_list("version", flat=True).first() or 0
    model.objects.filter(pk=current.pk).update(is_current=False)
    new = model.objects.create(
        version=latest + 1, title=current.title, template_name=TEXT_V2, windows=current.windows, is_current=True
    )
    agreement_model.objects.filter(template=current, status="draft", released_at__isnull=True).exclude(
        documents__isnull=False
    ).update(template=new)
    return new


def current_template() -> Any:
    from lcv.agreements.models import AgreementTemplate

    return AgreementTemplate.objects.filter(is_current=True).first() or ensure_text_v2()
