"""Writes for organisations and memberships. Each runs in one transaction and is audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from lcv.audit.services import record
from lcv.organisations.models import Membership, Municipality, Organisation, OrganisationKind
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
