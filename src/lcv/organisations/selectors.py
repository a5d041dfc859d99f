from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lcv.organisations.models import ChangeRequest, ChangeStatus, Membership, Organisation, OrganisationKind


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=organisation, user__is_active=True).select_related("user")


def organisation_with_municipalities(pk: int) -> Organisation:
    return Organisation.objects.select_related("municipality").prefetch_related("municipalities").get(pk=pk)


def covered_municipality_ids(organisation: Organisation) -> set[int] | None:
    """Reference-municipality ids an organisation covers; None means the whole country."""
    if organisation.kind == OrganisationKind.SIGNAL_PARTNER and organisation.national_coverage:
        return None
    if organisation.kind == OrganisationKind.MUNICIPALITY:
        return {organisation.municipality_id} if organisation.municipality_id else set()
    return set(organisation.municipalities.values_list("id", flat=True))


def municipal_counterparts(partner: Organisation) -> QuerySet[Organisation]:
    """Municipalities and joint arrangements that a signal partner's coverage pairs with (R2)."""
    covered = covered_municipality_ids(partner)
    municipalities = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    arrangements = Organisation.objects.filter(kind=OrganisationKind.JOINT_ARRANGEMENT)
    if covered is not None:
        municipalities = municipalities.filter(municipality_id__in=covered)
        arrangements = arrangements.filter(municipalities__in=covered)
    ids = set(municipalities.values_list("id", flat=True)) | set(arrangements.values_list("id", flat=True))
    return Organisation.objects.filter(id__in=ids)


def partner_counterparts(organisation: Organisation) -> QuerySet[Organisation]:
    """Signal partners whose coverage pairs with a municipality or joint arrangement (R2)."""
    covered = covered_municipality_ids(organisation) or set()
    return (
        Organisation.objects.filter(kind=OrganisationKind.SIGNAL_PARTNER)
        .filter(Q(national_coverage=True) | Q(municipalities__in=covered))
        .distinct()
    )


def contact_person_of(organisation: Organisation) -> Membership | None:
    return (
        Membership.objects.filter(organisation=organisation, is_contact=True, user__is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )


def contacts_of(organisation: Organisation) -> list[str]:
    """E-mail addresses of the organisation's active contact persons."""
    return list(
        Membership.objects.filter(organisation=organisation, is_contact=True, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def counterparts_with_contacts(partner: Organisation) -> list[tuple[Organisation, list[str]]]:
    """The municipal counterparts of a new signal partner, each with its contact persons' e-mail
    addresses: the recipients of `notifications.services.notify_new_partner` (FAQ 8)."""
    return [(recipient, contacts_of(recipient)) for recipient in municipal_counterparts(partner)]


def pending_change_requests(organisation: Organisation) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(organisation=organisation, status=ChangeStatus.PENDING).select_related(
        "requested_by"
    )


def change_requests(*, status: str = "") -> QuerySet[ChangeRequest]:
    queryset = ChangeRequest.objects.select_related("organisation", "requested_by").order_by("requested_at", "id")
    return queryset.filter(status=status) if status else queryset


@dataclass(frozen=True)
class DirectoryEntry:
    """One counterpart in the contact directory. `contact` is None unless the contact person
    consented to show their details to counterparts (R7, FAQ 14)."""

    organisation: Organisation
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    contact_job_title: str | None


def directory_entries(counterparts: QuerySet[Organisation], *, search: str = "") -> list[DirectoryEntry]:
    """The directory's rows for the given counterparts (which organisations those are, agreements
    knows: see `agreements.selectors.counterparts_of`)."""
    counterparts = counterparts.order_by("name")
    if search:
        counterparts = counterparts.filter(name__icontains=search)
    contacts = {
        m.organisation_id: m.user
        for m in Membership.objects.filter(organisation__in=counterparts, is_contact=True, user__is_active=True)
        .select_related("user")
        .order_by("-id")
    }
    entries = []
    for counterpart in counterparts:
        person = contacts.get(counterpart.pk)
        shown = person if person is not None and person.consents_to_share_contact_details else None
        entries.append(
            DirectoryEntry(
                organisation=counterpart,
                contact_name=shown.full_name if shown else None,
                contact_email=shown.email if shown else None,
                contact_phone=shown.phone if shown else None,
                contact_job_title=shown.job_title if shown else None,
            )
        )
    return entries


def arrangements_of(organisation: Organisation) -> QuerySet[Organisation]:
    """The joint arrangements on the platform that a municipality is a member of. Such an arrangement
    holds and signs the new agreements for its members (R2), so texts for a member municipality
    should not promise agreements of its own."""
    if organisation.kind != OrganisationKind.MUNICIPALITY or organisation.municipality_id is None:
        return Organisation.objects.none()
    return arrangements_with_member(organisation.municipality_id)


def arrangements_with_member(municipality_id: int) -> QuerySet[Organisation]:
    """The joint arrangements on the platform that list this reference municipality as a member."""
    return Organisation.objects.filter(
        kind=OrganisationKind.JOINT_ARRANGEMENT, municipalities=municipality_id, left_at__isnull=True
    ).order_by("name")


def cosigned_for(executor: Organisation) -> QuerySet[Organisation]:
    """The municipalities and joint arrangements that named this executor as co-signer (FAQ 13)."""
    return Organisation.objects.filter(cosigning_executor=executor, left_at__isnull=True).order_by("name")


def signing_arrangements(organisations: Iterable[Organisation]) -> dict[int, str]:
    """For each member municipality among these organisations: the name(s) of the joint
    arrangement(s) that sign its new agreements (R2), for `notify_new_partner(signed_by=…)`."""
    names: dict[int, str] = {}
    for organisation in organisations:
        arrangements = list(arrangements_of(organisation).values_list("name", flat=True))
        if arrangements:
            names[organisation.pk] = ", ".join(arrangements)
    return names
