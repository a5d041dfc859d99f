"""Writes for agreements. Each transition goes through workflow.py under select_for_update and leaves
an append-only history row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from lcv.agreements.models import Agreement, AgreementHistory, AgreementStatus, LocalCovenant
from lcv.agreements.workflow import TransitionError, sources_for, transition
from lcv.audit.services import record
from lcv.organisations.models import Organisation


class AgreementError(Exception):
    """Refused; the message is Dutch and says what to do."""


def release_agreements(*, agreement_ids: Iterable[int], municipal_party: Organisation, actor: Any) -> int:
    """R3: the municipality's contact releases any number of its draft agreements for signing, in
    one action. Agreements of another organisation, or not in draft, are refused as a whole."""
    ids = sorted(set(agreement_ids))
    if not ids:
        raise AgreementError("Kies eerst de overeenkomsten die u wilt vrijgeven.")
    with transaction.atomic():
        agreements = list(
            Agreement.objects.select_for_update().filter(pk__in=ids).only("id", "status", "municipal_party_id")
        )
        if len(agreements) != len(ids) or any(a.municipal_party_id != municipal_party.pk for a in agreements):
            raise AgreementError("U kunt alleen overeenkomsten van uw eigen organisatie vrijgeven.")
        for agreement in agreements:
            try:
                transition(agreement.status, "release")
            except TransitionError as error:
                raise AgreementError(f"{error} Overeenkomst {agreement.pk} is al vrijgegeven of verder.") from error
        now = timezone.now()
        Agreement.objects.filter(pk__in=ids, status__in=sources_for("release")).update(
            status=AgreementStatus.RELEASED, released_at=now
        )
        AgreementHistory.objects.bulk_create(
            [
                AgreementHistory(
                    agreement_id=pk, event="release", from_status="draft", to_status="released", actor=actor
                )
                for pk in ids
            ]
        )
        record(action="agreements.released", actor=actor, organisation=municipal_party, details={"count": len(ids)})
    return len(ids)


def record_local_covenant(*, municipal_party: Organisation, partner: Organisation, actor: Any, note: str = "") -> None:
    """FAQ 16-17: this pair keeps its local covenant; it gets no LCV agreement (an open draft is
    withdrawn)."""
    with transaction.atomic():
        LocalCovenant.objects.get_or_create(
            municipal_party=municipal_party, partner=partner, defaults={"recorded_by": actor, "note": note}
        )
        drafts = Agreement.objects.select_for_update().filter(
            municipal_party=municipal_party, partner=partner, status=AgreementStatus.DRAFT
        )
        for agreement in drafts:
            transition(agreement.status, "withdraw")
            agreement.status = AgreementStatus.WITHDRAWN
            agreement.save(update_fields=["status"])
            AgreementHistory.objects.create(
                agreement=agreement,
                event="withdraw",
                from_status="draft",
                to_status="withdrawn",
                actor=actor,
                details={"reason": "local_covenant"},
            )
        record(action="agreements.local_covenant_recorded", actor=actor, organisation=municipal_party, obj=partner)
