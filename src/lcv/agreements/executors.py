"""FAQ 13: an executor that co-signs a municipal party's agreements. Named at registration, it may
not be on the platform yet: then it is awaited, the party's agreements are not released for
signing without it, and it is linked when an executor with that KvK number is approved or when the
helpdesk links one. Linking puts it on the party's drafts that nobody has seen yet; agreements
already released or signed keep their parties (their text is fixed)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lcv.agreements.models import Agreement, AgreementStatus
from lcv.audit.services import record
from lcv.organisations.models import MUNICIPAL_KINDS, Organisation, OrganisationKind


class ExecutorError(Exception):
    """Refused; nothing changed. The message is Dutch."""


def awaiting_executor(party: Organisation) -> str:
    """Why the party's drafts cannot be released yet, or "" when they can."""
    if party.awaited_executor_kvk and party.cosigning_executor_id is None:
        return (
            f"De uitvoerder die mede ondertekent, {party.awaited_executor_name} (KvK {party.awaited_executor_kvk}), "
            "staat nog niet op het platform. Vraag de uitvoerder zich aan te melden, of vraag de helpdesk haar te "
            "koppelen; daarna kunt u de overeenkomsten vrijgeven."
        )
    return ""


def link_executor(*, party: Organisation, executor: Organisation | None, actor: Any) -> int:
    """The helpdesk (or the approval of the awaited executor) sets the party's co-signing executor,
    or none. Returns the number of drafts that took it over."""
    if party.kind not in MUNICIPAL_KINDS:
        raise ExecutorError("Alleen bij een gemeente of gemeenschappelijke regeling tekent een uitvoerder mee.")
    if executor is not None and (executor.kind != OrganisationKind.EXECUTOR or executor.left_at is not None):
        raise ExecutorError("Kies een uitvoerder die op het platform staat.")
    with transaction.atomic():
        party = Organisation.objects.select_for_update().get(pk=party.pk)
        party.cosigning_executor = executor
        party.awaited_executor_name = ""
        party.awaited_executor_kvk = ""
        party.save(update_fields=["cosigning_executor", "awaited_executor_name", "awaited_executor_kvk"])
        moved = (
            Agreement.objects.filter(municipal_party=party, status=AgreementStatus.DRAFT, released_at__isnull=True)
            .exclude(documents__isnull=False)
            .update(executor=executor)
        )
        record(
            action="organisation.cosigning_executor_linked",
            actor=actor,
            organisation=party,
            obj=party,
            details={"executor": executor.pk if executor else None, "drafts": moved},
        )
    return moved


def on_organisation_approved(*, organisation: Organisation, **kwargs: Any) -> None:
    """An approved executor is linked to every party that awaited it by its KvK number."""
    if organisation.kind != OrganisationKind.EXECUTOR or not organisation.kvk_number:
        return
    for party in Organisation.objects.filter(awaited_executor_kvk=organisation.kvk_number, left_at__isnull=True):
        link_executor(party=party, executor=organisation, actor=kwargs.get("actor"))
