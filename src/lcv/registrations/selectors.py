from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from lcv.registrations.models import Registration

SORTS = {
    "oudste": ("submitted_at", "id"),
    "nieuwste": ("-submitted_at", "-id"),
    "naam": ("name", "id"),
}


def registrations(
    *, status: str = "", kind: str = "", sector: str = "", older_than_days: int | None = None, sort: str = "oudste"
) -> QuerySet[Registration]:
    """The helpdesk queue with its filters; oldest first by default, so nobody waits longest."""
    queryset = Registration.objects.select_related("municipality", "duplicate_of", "organisation")
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if sector:
        queryset = queryset.filter(sector=sector)
    if older_than_days:
        queryset = queryset.filter(submitted_at__lte=timezone.now() - timedelta(days=older_than_days))
    return queryset.order_by(*SORTS.get(sort, SORTS["oudste"]))


def similar_pending(registration: Registration) -> QuerySet[Registration]:
    """Other pending registrations for the same CBS code or KvK number."""
    queryset = Registration.objects.filter(status=registration.status).exclude(pk=registration.pk)
    if registration.municipality_id:
        return queryset.filter(municipality_id=registration.municipality_id)
    if registration.kvk_number:
        return queryset.filter(kvk_number=registration.kvk_number)
    return queryset.none()
