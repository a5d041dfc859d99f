from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from lcv.organisations.models import Organisation, OrganisationKind
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


def member_consequences(registration: Registration) -> list[dict[str, object]]:
    """For a joint arrangement's registration: what approving it means for each member municipality
    the helpdesk should look at (R13): one that takes part itself keeps its own agreements and
    receives its partners' signals under them; the arrangement receives only where it holds the
    agreement. Also any other arrangement the municipality already belongs to."""
    if registration.kind != OrganisationKind.JOINT_ARRANGEMENT:
        return []
    rows: list[dict[str, object]] = []
    for municipality in registration.municipalities.order_by("name"):
        own = Organisation.objects.filter(municipality=municipality, left_at__isnull=True).first()
        others = list(
            Organisation.objects.filter(
                kind=OrganisationKind.JOINT_ARRANGEMENT, municipalities=municipality, left_at__isnull=True
            ).values_list("name", flat=True)
        )
        if own is not None or others:
            rows.append({"municipality": municipality, "own": own, "other_arrangements": others})
    return rows
