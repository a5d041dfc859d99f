"""Registration (R1): submit, and the helpdesk's decisions. Each decision is one transaction."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from lcv.accounts.models import User
from lcv.accounts.services import invite_person
from lcv.audit.services import record
from lcv.core.models import Event
from lcv.notifications.services import absolute_url, send_templated_mail
from lcv.organisations.models import Municipality, Organisation, OrganisationKind, Role
from lcv.organisations.selectors import arrangements_with_member, counterparts_with_contacts, signing_arrangements
from lcv.organisations.services import create_organisation
from lcv.registrations.models import Registration, RegistrationStatus

# Sent inside the approving transaction (sender: None, organisation=…). agreements connects here to
# generate the new organisation's agreements once the transaction commits (R2); registrations
# itself knows nothing of agreements.
organisation_approved = Signal()

# Abuse protection of the public form: at most this many registrations per client address per hour.
RATE_LIMIT_PER_HOUR = 5


class RegistrationError(Exception):
    """A decision that cannot be taken; the message is Dutch and says what to do."""


def fingerprint(ip_address: str) -> str:
    """A keyed hash of the client address: enough to count registrations, not to identify anyone."""
    return hmac.new(settings.SECRET_KEY.encode(), ip_address.encode(), hashlib.sha256).hexdigest()


def rate_limited(*, ip_address: str) -> bool:
    since = timezone.now() - timedelta(hours=1)
    recent = Registration.objects.filter(client_fingerprint=fingerprint(ip_address), submitted_at__gte=since)
    return recent.count() >= RATE_LIMIT_PER_HOUR


def find_existing_organisation(*, kind: str, kvk_number: str, municipality: Municipality | None) -> Organisation | None:
    """An organisation already on the platform with the same CBS code, or of the same kind with the
    same KvK number (R1): the registration is then `duplicate_of` it and can only be attached or
    rejected. The same KvK number at an organisation of another kind is allowed (one legal entity may
    be, say, an executor and a joint arrangement); the helpdesk sees it as a flag in the queue
    (`selectors.registration_flags`)."""
    match = Q(pk__in=[])
    if municipality is not None:
        match |= Q(municipality=municipality)
    if kvk_number:
        match |= Q(kvk_number=kvk_number, kind=kind)
    return Organisation.objects.filter(match).exclude(kind=OrganisationKind.PLATFORM).order_by("id").first()


def submit_registration(
    *, registration: Registration, municipalities: Iterable[Municipality], ip_address: str
) -> Registration:
    """Store a validated registration as submitted, mark a likely duplicate, confirm by e-mail."""
    with transaction.atomic():
        if registration.kind == OrganisationKind.MUNICIPALITY and registration.municipality:
            registration.name = f"Gemeente {registration.municipality.name}"
        registration.client_fingerprint = fingerprint(ip_address)
        registration.duplicate_of = find_existing_organisation(
            kind=registration.kind, kvk_number=registration.kvk_number, municipality=registration.municipality
        )
        registration.save()
        registration.municipalities.set(list(municipalities))
        record(action="registration.submitted", obj=registration, details={"kind": registration.kind})
        transaction.on_commit(lambda: _confirm(registration))
    return registration


def _confirm(registration: Registration) -> None:
    """The confirmation says what happens next for this kind; a municipality that is a member of a
    joint arrangement on the platform is told the arrangement signs for it (no agreements of its own)."""
    arrangements: list[str] = []
    if registration.kind == OrganisationKind.MUNICIPALITY and registration.municipality_id:
        arrangements = list(arrangements_with_member(registration.municipality_id).values_list("name", flat=True))
    send_templated_mail(
        to=[registration.contact_email],
        template="registration_received",
        context={"registration": registration, "arrangements": arrangements},
    )


def _email_in_use(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def _locked_pending(registration_id: int) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration_id)
    if registration.status != RegistrationStatus.PENDING:
        raise RegistrationError("Deze aanmelding is al beoordeeld.")
    return registration


def approve_registration(*, registration_id: int, actor: Any) -> Organisation:
    """Create the organisation, its people and their roles in one transaction, invite the people,
    emit `organisation.approved` for agreement generation (R2) and, for a signal partner, tell the
    municipalities it covers (FAQ 8)."""
    from lcv.notifications.services import notify_new_partner

    _mark_late_duplicate(registration_id)
    with transaction.atomic():
        registration = _locked_pending(registration_id)
        if registration.duplicate_of_id:
            raise RegistrationError(
                "Deze aanmelding lijkt op een organisatie die al op het platform staat. "
                "Koppel haar aan die organisatie of wijs haar af."
            )
        same_person = registration.contact_email.lower() == registration.signatory_email.lower()
        for email in {registration.contact_email.lower(), registration.signatory_email.lower()}:
            if _email_in_use(email):
                raise RegistrationError(
                    f"Het e-mailadres {email} is al in gebruik op het platform. Vraag de aanmelder om een ander "
                    "adres, of wijs de aanmelding af met die reden."
                )
        organisation = create_organisation(
            kind=OrganisationKind(registration.kind),
            name=registration.name,
            kvk_number=registration.kvk_number,
            cbs_code=registration.municipality.cbs_code if registration.municipality else None,
            signal_system=registration.signal_system,
            sector=registration.sector,
            national_coverage=registration.national_coverage,
            municipality_codes=registration.municipalities.values_list("cbs_code", flat=True),
            actor=actor,
        )
        if registration.cosigning_executor_kvk:
            # FAQ 13: the executor co-signs. Not on the platform yet: it is awaited (never dropped),
            # its agreements are not released until it is linked (agreements.executors)
            organisation.cosigning_executor = Organisation.objects.filter(
                kind=OrganisationKind.EXECUTOR, kvk_number=registration.cosigning_executor_kvk, left_at__isnull=True
            ).first()
            if organisation.cosigning_executor is None:
                organisation.awaited_executor_name = registration.cosigning_executor_name
                organisation.awaited_executor_kvk = registration.cosigning_executor_kvk
            organisation.save(update_fields=["cosigning_executor", "awaited_executor_name", "awaited_executor_kvk"])
        invite_person(
            organisation=organisation,
            email=registration.contact_email,
            full_name=registration.contact_name,
            phone=registration.contact_phone,
            job_title=registration.contact_job_title,
            consents_to_share_contact_details=registration.contact_consents,
            roles=[Role.CONTACT, Role.SIGNATORY] if same_person else [Role.CONTACT],
            invited_by=actor,
        )
        if not same_person:
            invite_person(
                organisation=organisation,
                email=registration.signatory_email,
                full_name=registration.signatory_name,
                job_title=registration.signatory_job_title,
                roles=[Role.SIGNATORY],
                invited_by=actor,
            )
        _decide(registration, RegistrationStatus.APPROVED, actor, organisation=organisation)
        Event.objects.create(name="organisation.approved", organisation=organisation)
        # R2: agreements within one working day; the working-day job catches anything this misses
        organisation_approved.send(sender=None, organisation=organisation, actor=actor)
        if organisation.kind == OrganisationKind.SIGNAL_PARTNER:
            recipients = counterparts_with_contacts(organisation)
            notify_new_partner(
                partner=organisation,
                recipients=recipients,
                signed_by=signing_arrangements(recipient for recipient, _addresses in recipients),
            )
        record(action="registration.approved", actor=actor, obj=registration, organisation=organisation)
    return organisation


def _mark_late_duplicate(registration_id: int) -> None:
    """An organisation with the same CBS code or KvK may have been approved since this registration
    came in; record that, so the helpdesk sees it even though the approval is refused."""
    with transaction.atomic():
        registration = _locked_pending(registration_id)
        if registration.duplicate_of_id is None:
            registration.duplicate_of = find_existing_organisation(
                kind=registration.kind, kvk_number=registration.kvk_number, municipality=registration.municipality
            )
            if registration.duplicate_of_id:
                registration.save(update_fields=["duplicate_of"])


def reject_registration(*, registration_id: int, reason: str, actor: Any) -> Registration:
    """Reject with a reason that is e-mailed to the registrant."""
    if not reason.strip():
        raise RegistrationError("Geef een reden op; die sturen we naar de aanmelder.")
    with transaction.atomic():
        registration = _locked_pending(registration_id)
        registration.rejection_reason = reason.strip()
        _decide(registration, RegistrationStatus.REJECTED, actor)
        record(action="registration.rejected", actor=actor, obj=registration)
        transaction.on_commit(
            lambda: send_templated_mail(
                to=[registration.contact_email],
                template="registration_rejected",
                context={"registration": registration},
            )
        )
    return registration


def attach_registration(*, registration_id: int, organisation_id: int, actor: Any) -> Registration:
    """Close a registration of an organisation that is already on the platform, linked to it."""
    with transaction.atomic():
        registration = _locked_pending(registration_id)
        organisation = Organisation.objects.get(pk=organisation_id)
        _decide(registration, RegistrationStatus.ATTACHED, actor, organisation=organisation)
        record(action="registration.attached", actor=actor, obj=registration, organisation=organisation)
        transaction.on_commit(
            lambda: send_templated_mail(
                to=[registration.contact_email],
                template="registration_attached",
                context={"registration": registration, "login_url": absolute_url("/account/inloggen/")},
            )
        )
    return registration


def _decide(
    registration: Registration, status: RegistrationStatus, actor: Any, organisation: Organisation | None = None
) -> None:
    registration.status = status
    registration.decided_at = timezone.now()
    registration.decided_by = actor
    if organisation is not None:
        registration.organisation = organisation
    registration.save()
