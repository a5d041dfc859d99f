from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from lcv.agreements.models import Agreement, AgreementStatus
from lcv.organisations.models import Organisation, OrganisationKind


def agreements_of(
    organisation: Organisation, *, status: str = "", sector: str = "", search: str = ""
) -> QuerySet[Agreement]:
    """The agreements an organisation is party to, with the list filters (R3). The related rows the
    list shows are joined in, so the number of queries does not grow with the list."""
    queryset = Agreement.objects.filter(
        Q(municipal_party=organisation) | Q(partner=organisation) | Q(executor=organisation)
    ).select_related("municipal_party", "partner", "executor")
    if status:
        queryset = queryset.filter(status=status)
    if sector:
        queryset = queryset.filter(partner__sector=sector)
    if search:
        queryset = queryset.filter(Q(partner__name__icontains=search) | Q(municipal_party__name__icontains=search))
    if organisation.kind == OrganisationKind.SIGNAL_PARTNER:
        return queryset.order_by("municipal_party__name", "id")
    return queryset.order_by("partner__name", "id")


def to_sign_by(organisation: Organisation) -> QuerySet[Agreement]:
    """Released agreements waiting for this organisation's signature (R4, R5)."""
    return (
        agreements_of(organisation)
        .filter(status__in=[AgreementStatus.RELEASED, AgreementStatus.PARTIALLY_SIGNED])
        .exclude(signatures__organisation=organisation)
    )


def signed_by(organisation: Organisation, agreement_ids: list[int]) -> list[int]:
    """Those of the agreements that this organisation has already signed."""
    return list(
        agreements_of(organisation)
        .filter(pk__in=agreement_ids, signatures__organisation=organisation)
        .values_list("pk", flat=True)
    )


def agreement_counts(organisation: Organisation) -> list[tuple[str, int]]:
    """(status label, number) for the home page, in workflow order; empty when there are none."""
    counts = dict(
        agreements_of(organisation).order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return [(str(label), counts[value]) for value, label in AgreementStatus.choices if counts.get(value)]


def counterparts_of(organisation: Organisation) -> QuerySet[Organisation]:
    """The organisations listed in the contact directory (R7): those with whom an agreement exists
    (in any state but withdrawn)."""
    agreements = Agreement.objects.exclude(status=AgreementStatus.WITHDRAWN)
    ids: set[int] = set()
    for party, partner, executor in agreements.filter(
        Q(municipal_party=organisation) | Q(partner=organisation) | Q(executor=organisation)
    ).values_list("municipal_party_id", "partner_id", "executor_id"):
        ids.update(pk for pk in (party, partner, executor) if pk)
    ids.discard(organisation.pk)
    return Organisation.objects.filter(id__in=ids)
