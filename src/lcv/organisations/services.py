"""Writes for organisations and memberships. Each runs in one transaction and is audited."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from lcv.audit.services import record
from lcv.organisations.models import (
    CHANGE_ROLE,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Membership,
    Municipality,
    Organisation,
    OrganisationKind,
    role_field,
)
from lcv.organisations.validators import normalise_kvk


def create_organisation(
    *,
    kind: OrganisationKind,
    name: str,
    kvk_number: str = "",
    cbs_code: str | None = None,
    signal_system: str = "",
    sector: str = "",
    national_coverage: bool = False,
    municipality_codes: Iterable[str] = (),
    actor: Any = None,
) -> Organisation:
    """Create an organisation of one of the five kinds (DOMAIN.md §1), validated in full.

    `municipality_codes` are the municipalities served (signal partner), the members (joint
    arrangement) or the municipalities worked for (executor)."""
    with transaction.atomic():
        organisation = Organisation(
            kind=kind,
            name=name,
            kvk_number=normalise_kvk(kvk_number),
            municipality=Municipality.objects.get(cbs_code=cbs_code) if cbs_code else None,
            signal_system=signal_system,
            sector=sector,
            national_coverage=national_coverage,
        )
        organisation.full_clean()
        organisation.save()
        codes = list(municipality_codes)
        if codes:
            municipalities = list(Municipality.objects.filter(cbs_code__in=codes))
            if len(municipalities) != len(set(codes)):
                unknown = sorted(set(codes) - {m.cbs_code for m in municipalities})
                raise Municipality.DoesNotExist(f"unknown CBS codes: {', '.join(unknown)}")
            organisation.municipalities.set(municipalities)
        record(action="organisation.created", actor=actor, organisation=organisation, obj=organisation)
    return organisation


def replace_signatory(*, organisation: Organisation, new_signatory: Membership, actor: Any = None) -> None:
    """Make `new_signatory` the one signatory of the organisation; the old one loses the role in
    the same transaction (FAQ 15: a change replaces, never adds)."""
    with transaction.atomic():
        Membership.objects.select_for_update().filter(organisation=organisation, is_signatory=True).exclude(
            pk=new_signatory.pk
        ).update(is_signatory=False)
        Membership.objects.filter(pk=new_signatory.pk).update(is_signatory=True)
        record(
            action="organisation.signatory_replaced",
            actor=actor,
            organisation=organisation,
            obj=organisation,
            details={"membership": new_signatory.pk},
        )


class ChangeRequestError(Exception):
    """A change that cannot be made; the message is Dutch and says what to do."""


def request_change(
    *,
    organisation: Organisation,
    kind: str,
    new_name: str,
    new_email: str,
    new_job_title: str,
    new_phone: str = "",
    note: str = "",
    requested_by: Any,
) -> ChangeRequest:
    """A contact person asks the helpdesk to replace the contact person or the signatory (FAQ 15)."""
    with transaction.atomic():
        if ChangeRequest.objects.filter(organisation=organisation, kind=kind, status=ChangeStatus.PENDING).exists():
            raise ChangeRequestError(
                "Er loopt al een verzoek voor deze wijziging. Wacht tot de helpdesk het heeft afgehandeld."
            )
        change = ChangeRequest.objects.create(
            organisation=organisation,
            kind=kind,
            new_name=new_name,
            new_email=new_email.strip().lower(),
            new_phone=new_phone,
            new_job_title=new_job_title,
            note=note,
            requested_by=requested_by,
        )
        record(action="change_request.created", actor=requested_by, organisation=organisation, obj=change)
    return change


# Sent when a person loses a role through a change request: kwargs user, role, actor. Apps above
# organisations act on it (signals revokes the API keys a former contact made).
role_removed = Signal()


def execute_change(*, change_id: int, actor: Any) -> ChangeRequest:
    """The helpdesk carries out a change request: the new person holds the role (invited when new),
    the old holder loses it, in one transaction; both sides are audited (FAQ 15, R8)."""
    from lcv.accounts.models import User
    from lcv.accounts.services import invite_person

    with transaction.atomic():
        change = ChangeRequest.objects.select_for_update().get(pk=change_id)
        if change.status != ChangeStatus.PENDING:
            raise ChangeRequestError("Dit verzoek is al afgehandeld.")
        role = CHANGE_ROLE[ChangeKind(change.kind)]
        field = role_field(role)
        organisation = change.organisation
        existing = User.objects.filter(email__iexact=change.new_email).first()
        existing_membership = Membership.objects.filter(user=existing).first() if existing else None
        if existing is not None and (
            existing_membership is None or existing_membership.organisation_id != organisation.pk
        ):
            raise ChangeRequestError(
                "Dit e-mailadres hoort bij iemand van een andere organisatie. Vraag de contactpersoon om een "
                "ander e-mailadres."
            )
        replaces = change.kind != ChangeKind.ADD_CONTACT  # an extra contact person leaves the others be
        previous = (
            list(Membership.objects.select_for_update().filter(organisation=organisation, **{field: True}))
            if replaces
            else []
        )
        Membership.objects.filter(pk__in=[m.pk for m in previous]).update(**{field: False})
        for old in previous:
            record(
                action="membership.role_removed",
                actor=actor,
                organisation=organisation,
                obj=old.user,
                details={"role": role.value, "change_request": change.pk},
            )
            if old.user_id != getattr(existing, "pk", None):
                role_removed.send(sender=Membership, user=old.user, role=role, actor=actor)
        if existing is not None:
            Membership.objects.filter(user=existing).update(**{field: True})
            new_user = existing
        else:
            new_user = invite_person(
                organisation=organisation,
                email=change.new_email,
                full_name=change.new_name,
                phone=change.new_phone,
                job_title=change.new_job_title,
                roles=[role],
                invited_by=actor,
            )
        record(
            action="membership.role_granted",
            actor=actor,
            organisation=organisation,
            obj=new_user,
            details={"role": role.value, "change_request": change.pk},
        )
        change.status = ChangeStatus.EXECUTED
        change.decided_by = actor
        change.decided_at = timezone.now()
        change.save()
        record(action="change_request.executed", actor=actor, organisation=organisation, obj=change)
        transaction.on_commit(partial(_tell_requester, change=change, outcome="uitgevoerd"))
    return change


def reject_change(*, change_id: int, reason: str, actor: Any) -> ChangeRequest:
    with transaction.atomic():
        change = ChangeRequest.objects.select_for_update().get(pk=change_id)
        if change.status != ChangeStatus.PENDING:
            raise ChangeRequestError("Dit verzoek is al afgehandeld.")
        change.status = ChangeStatus.REJECTED
        change.rejection_reason = reason
        change.decided_by = actor
        change.decided_at = timezone.now()
        change.save()
        record(action="change_request.rejected", actor=actor, organisation=change.organisation, obj=change)
        transaction.on_commit(partial(_tell_requester, change=change, outcome="afgewezen"))
    return change


def _tell_requester(*, change: ChangeRequest, outcome: str) -> None:
    from django.urls import reverse

    from lcv.notifications.services import absolute_url, send_templated_mail

    link = absolute_url(reverse("organisations:detail", args=[change.organisation_id]))
    send_templated_mail(
        to=[change.requested_by.email],
        template="change_request_decided",
        context={"change": change, "outcome": outcome, "link": link},
    )
