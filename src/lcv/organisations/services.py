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
    ChangeRequest,
    ChangeStatus,
    Membership,
    Municipality,
    Organisation,
    OrganisationKind,
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
        transaction.on_commit(partial(tell_requester, change=change, outcome="afgewezen"))
    return change


def tell_requester(*, change: ChangeRequest, outcome: str) -> None:
    from django.urls import reverse

    from lcv.notifications.services import absolute_url, send_templated_mail

    link = absolute_url(reverse("organisations:detail", args=[change.organisation_id]))
    send_templated_mail(
        to=[change.requested_by.email],
        template="change_request_decided",
        context={"change": change, "outcome": outcome, "link": link},
    )
