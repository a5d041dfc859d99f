from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from lcv.accounts.models import User
from lcv.organisations.models import Organisation, OrganisationKind
from lcv.registrations.models import Registration, RegistrationStatus

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


def registration_flags(rows: Iterable[Registration]) -> dict[int, list[str]]:
    """What the helpdesk should look at before deciding on each pending registration, in Dutch
    (issue 10): its KvK number at another pending registration or at an organisation already on the
    platform, another pending registration for the same municipality, and a contact or signatory
    e-mail address that already belongs to someone on the platform (approval would be refused).
    The public form accepts all of these, so it reveals nothing about who has an account; the
    helpdesk sees them here. A few queries for the whole page, not per row."""
    pending = [row for row in rows if row.status == RegistrationStatus.PENDING]
    flags: dict[int, list[str]] = {row.pk: [] for row in pending}
    if not pending:
        return flags
    kvks = {row.kvk_number for row in pending if row.kvk_number}
    municipality_ids = {row.municipality_id for row in pending if row.municipality_id}
    others = list(
        Registration.objects.filter(status=RegistrationStatus.PENDING)
        .filter(Q(kvk_number__in=kvks) | Q(municipality_id__in=municipality_ids))
        .order_by("submitted_at", "id")
    )
    organisations = list(
        Organisation.objects.filter(kvk_number__in=kvks).exclude(kind=OrganisationKind.PLATFORM).order_by("name")
    )
    addresses = {email.lower() for row in pending for email in (row.contact_email, row.signatory_email)}
    users = {
        email.lower(): organisation
        for email, organisation in User.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=addresses)
        .values_list("email", "membership__organisation__name")
    }
    for row in pending:
        row_flags = flags[row.pk]
        duplicate = row.duplicate_of
        if duplicate is not None and duplicate.pk not in {org.pk for org in organisations}:
            row_flags.append(
                _("De gemeente staat al op het platform als %(org)s.") % {"org": duplicate.name}
                if row.municipality_id
                else _("Deze organisatie staat al op het platform als %(org)s.") % {"org": duplicate.name}
            )
        for organisation in organisations:
            if organisation.kvk_number == row.kvk_number:
                row_flags.append(
                    _("KvK-nummer komt ook voor bij %(org)s (%(kind)s), dat al op het platform staat.")
                    % {"org": organisation.name, "kind": organisation.get_kind_display().lower()}
                )
        for other in others:
            if other.pk == row.pk:
                continue
            values = {"name": other.name, "date": timezone.localtime(other.submitted_at).strftime("%d-%m-%Y")}
            if row.kvk_number and other.kvk_number == row.kvk_number:
                row_flags.append(_("KvK-nummer komt ook voor bij de aanmelding van %(name)s van %(date)s.") % values)
            elif row.municipality_id and other.municipality_id == row.municipality_id:
                row_flags.append(_("Dezelfde gemeente is ook aangemeld op %(date)s.") % values)
        people = [(_("contactpersoon"), row.contact_email), (_("tekenbevoegde"), row.signatory_email)]
        if row.contact_email.lower() == row.signatory_email.lower():
            people = [(_("contactpersoon en tekenbevoegde"), row.contact_email)]
        for person, email in people:
            if email.lower() in users:
                organisation_name = users[email.lower()]
                row_flags.append(
                    (
                        _("Het e-mailadres van de %(person)s is al in gebruik op het platform (bij %(org)s).")
                        if organisation_name
                        else _("Het e-mailadres van de %(person)s is al in gebruik op het platform.")
                    )
                    % {"person": person, "org": organisation_name}
                )
    return flags
