"""The helpdesk carries out an organisation's change request (FAQ 15, R8). It lives in accounts,
not organisations, because it invites the new person: organisations knows no accounts."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from lcv.accounts.models import User
from lcv.accounts.services import invite_person
from lcv.audit.services import record
from lcv.organisations.models import CHANGE_ROLE, ChangeKind, ChangeRequest, ChangeStatus, Membership, role_field
from lcv.organisations.services import ChangeRequestError, role_removed, tell_requester


def execute_change(*, change_id: int, actor: Any) -> ChangeRequest:
    """The helpdesk carries out a change request: the new person holds the role (invited when new),
    the old holder loses it, in one transaction; both sides are audited (FAQ 15, R8)."""
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
        transaction.on_commit(partial(tell_requester, change=change, outcome="uitgevoerd"))
    return change
