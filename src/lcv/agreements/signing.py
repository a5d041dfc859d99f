"""R5: a signatory signs one or many released agreements at once, after declaring to be authorised
(FAQ 12) and confirming with their second factor. Either party may sign first; when every required
party has signed, the agreement becomes active and its final document is sealed (R6)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from lcv.agreements.models import Agreement, AgreementHistory, AgreementStatus, Signature
from lcv.agreements.workflow import TransitionError, transition
from lcv.audit.services import record
from lcv.organisations.models import Membership, Organisation


class SigningError(Exception):
    """Nothing was signed; the message is Dutch and names the agreement."""


def sign_agreements(
    *,
    agreement_ids: Iterable[int],
    organisation: Organisation,
    signer: Any,
    declared_authorised: bool,
    ip_address: str | None,
    user_agent: str,
) -> list[Agreement]:
    """Sign all the given agreements for `organisation`, or none of them."""
    from lcv.agreements.documents import draft_document
    from lcv.agreements.tasks import seal_agreement_task

    ids = sorted(set(agreement_ids))  # a fixed lock order: two signers never deadlock
    if not ids:
        raise SigningError("Kies eerst de overeenkomsten die u wilt ondertekenen.")
    if not declared_authorised:
        raise SigningError("Verklaar eerst dat u bevoegd bent om namens uw organisatie te tekenen.")
    if not Membership.objects.filter(user=signer, organisation=organisation, is_signatory=True).exists():
        raise SigningError("Alleen de tekenbevoegde van uw organisatie kan ondertekenen.")
    signed: list[Agreement] = []
    with transaction.atomic():
        for pk in ids:
            agreement = Agreement.objects.select_for_update().select_related("template").filter(pk=pk).first()
            if agreement is None or organisation.pk not in _party_ids(agreement):
                raise SigningError("Een van de gekozen overeenkomsten is niet van uw organisatie.")
            name = agreement_with(agreement, organisation)
            # before the status: a signed agreement may be active by now, and "not released" would mislead
            if Signature.objects.filter(agreement=agreement, organisation=organisation).exists():
                raise SigningError(f"U heeft deze overeenkomst al ondertekend ({name}).")
            try:
                transition(agreement.status, "sign")
            except TransitionError as error:
                raise SigningError(f"{name[0].upper()}{name[1:]}: {error}") from error
            document = draft_document(agreement)
            Signature.objects.create(
                agreement=agreement,
                organisation=organisation,
                signer=signer,
                ip_address=ip_address,
                user_agent=user_agent[:300],
                document_sha256=document.sha256,
            )
            _advance(agreement, signer)
            signed.append(agreement)
            if agreement.status == AgreementStatus.ACTIVE:
                transaction.on_commit(partial(seal_agreement_task.enqueue, agreement.pk))
        record(action="agreements.signed", actor=signer, organisation=organisation, details={"agreements": ids})
    return signed


def agreement_with(agreement: Agreement, organisation: Organisation) -> str:
    """The agreement in plain words for one of its parties: "de overeenkomst met <the others>"."""
    others = [party.name for party in agreement.parties if party.pk != organisation.pk]
    if not others:
        return "de overeenkomst"
    names = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " en " + others[-1]
    return f"de overeenkomst met {names}"


def _party_ids(agreement: Agreement) -> set[int]:
    return {pk for pk in (agreement.municipal_party_id, agreement.partner_id, agreement.executor_id) if pk}


def _advance(agreement: Agreement, signer: Any) -> None:
    signed_by = set(Signature.objects.filter(agreement=agreement).values_list("organisation_id", flat=True))
    complete = _party_ids(agreement) <= signed_by
    target = AgreementStatus.ACTIVE if complete else AgreementStatus.PARTIALLY_SIGNED
    previous = agreement.status
    agreement.status = target
    if complete:
        agreement.activated_at = timezone.now()
    agreement.save(update_fields=["status", "activated_at"])
    AgreementHistory.objects.create(
        agreement=agreement, event="sign", from_status=previous, to_status=target, actor=signer
    )
