"""FAQ 16-17: a pair that keeps its existing local covenant gets no LCV agreement. Either party's
contact proposes it from the draft; the other party's contact confirms or declines (as addenda are);
only then is the draft withdrawn and the pair skipped by generation (R2). The helpdesk may record one
for both, and may undo one, after which the pair gets an agreement again. Both contacts are told of
every step. The state machine:

    (none) --propose--> proposed --confirm--> confirmed --undo--> undone
                        proposed --decline--> declined
    (none) --record (helpdesk)--> confirmed
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lcv.agreements.models import (
    Agreement,
    AgreementHistory,
    AgreementStatus,
    LocalCovenant,
    LocalCovenantStatus,
)
from lcv.agreements.workflow import transition
from lcv.audit.services import record
from lcv.notifications.services import absolute_url, send_templated_mail
from lcv.organisations.models import Organisation
from lcv.organisations.selectors import contacts_of

ACTIVE = (LocalCovenantStatus.PROPOSED, LocalCovenantStatus.CONFIRMED)

# what the e-mail says happened (Dutch, as every mail)
EVENTS = {
    "proposed": "{by} stelt voor het bestaande lokale convenant aan te houden in plaats van de LCV-overeenkomst. "
    "De andere partij bevestigt of wijst dit af op de pagina van de overeenkomst.",
    "confirmed": "Beide partijen houden hun bestaande lokale convenant aan; voor dit paar komt geen "
    "LCV-overeenkomst en het concept is ingetrokken.",
    "declined": "{by} houdt het lokale convenant niet aan; de LCV-overeenkomst blijft staan.",
    "recorded": "De helpdesk heeft vastgelegd dat beide partijen hun bestaande lokale convenant aanhouden; voor "
    "dit paar komt geen LCV-overeenkomst en het concept is ingetrokken.",
    "undone": "De helpdesk heeft het lokale convenant ongedaan gemaakt; het platform maakt voor dit paar weer een "
    "LCV-overeenkomst.",
}


class LocalCovenantError(Exception):
    """Refused; the message is Dutch and says what to do."""


def _tell_both(*, covenant: LocalCovenant, event: str, by: Organisation | None, agreement: Agreement | None) -> None:
    text = EVENTS[event].format(by=by.name if by else "")
    link = absolute_url(reverse("agreements:detail", args=[agreement.pk])) if agreement else absolute_url("/start/")
    for party in (covenant.municipal_party, covenant.partner):
        addresses = contacts_of(party)
        if addresses:
            context = {"covenant": covenant, "text": text, "link": link}
            transaction.on_commit(
                partial(send_templated_mail, to=addresses, template="local_covenant", context=context)
            )


def _withdraw_drafts(*, municipal_party: Organisation, partner: Organisation, actor: Any) -> None:
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


def proposal_for(agreement: Agreement) -> LocalCovenant | None:
    return (
        LocalCovenant.objects.filter(
            municipal_party=agreement.municipal_party_id, partner=agreement.partner_id, status__in=ACTIVE
        )
        .select_related("proposed_by")
        .first()
    )


def propose(*, agreement_id: int, organisation: Organisation, actor: Any, note: str = "") -> LocalCovenant:
    """One party's contact proposes to keep the local covenant; nothing is withdrawn yet."""
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update().select_related("municipal_party", "partner").get(pk=agreement_id)
        )
        if organisation.pk not in (agreement.municipal_party_id, agreement.partner_id):
            raise LocalCovenantError("Alleen de partijen bij de overeenkomst kunnen een lokaal convenant voorstellen.")
        if agreement.status != AgreementStatus.DRAFT:
            raise LocalCovenantError(
                "Alleen bij een concept kunt u een lokaal convenant voorstellen; deze overeenkomst is "
                f"{agreement.get_status_display().lower()}."
            )
        if proposal_for(agreement) is not None:
            raise LocalCovenantError("Voor dit paar is al een lokaal convenant voorgesteld of vastgelegd.")
        covenant = LocalCovenant.objects.create(
            municipal_party=agreement.municipal_party,
            partner=agreement.partner,
            status=LocalCovenantStatus.PROPOSED,
            proposed_by=organisation,
            recorded_by=actor,
            note=note.strip()[:300],
        )
        record(action="agreements.local_covenant_proposed", actor=actor, organisation=organisation, obj=covenant)
        _tell_both(covenant=covenant, event="proposed", by=organisation, agreement=agreement)
    return covenant


def decide(*, covenant_id: int, organisation: Organisation, actor: Any, confirm: bool) -> LocalCovenant:
    """The other party's contact confirms (the draft is withdrawn, no agreement for the pair) or
    declines (the agreement stays). The proposing party cannot decide its own proposal."""
    with transaction.atomic():
        covenant = (
            LocalCovenant.objects.select_for_update(of=("self",))
            .select_related("municipal_party", "partner", "proposed_by")
            .get(pk=covenant_id)
        )
        if organisation.pk not in (covenant.municipal_party_id, covenant.partner_id):
            raise LocalCovenantError("Dit voorstel hoort niet bij uw organisatie.")
        if covenant.proposed_by_id == organisation.pk:
            raise LocalCovenantError("De andere partij beslist over uw voorstel; u kunt het niet zelf bevestigen.")
        if covenant.status != LocalCovenantStatus.PROPOSED:
            raise LocalCovenantError("Over dit voorstel is al beslist.")
        covenant.status = LocalCovenantStatus.CONFIRMED if confirm else LocalCovenantStatus.DECLINED
        covenant.decided_by = actor
        covenant.decided_at = timezone.now()
        covenant.save(update_fields=["status", "decided_by", "decided_at"])
        agreement = Agreement.objects.filter(
            municipal_party=covenant.municipal_party, partner=covenant.partner, status=AgreementStatus.DRAFT
        ).first()
        if confirm:
            _withdraw_drafts(municipal_party=covenant.municipal_party, partner=covenant.partner, actor=actor)
        event = "confirmed" if confirm else "declined"
        record(action=f"agreements.local_covenant_{event}", actor=actor, organisation=organisation, obj=covenant)
        _tell_both(covenant=covenant, event=event, by=organisation, agreement=agreement)
    return covenant


def record_for_both(*, agreement: Agreement, actor: Any, note: str = "") -> LocalCovenant:
    """The helpdesk records a local covenant on behalf of both parties (they told it so)."""
    with transaction.atomic():
        covenant = proposal_for(agreement)
        if covenant is None:
            covenant = LocalCovenant.objects.create(
                municipal_party=agreement.municipal_party,
                partner=agreement.partner,
                status=LocalCovenantStatus.CONFIRMED,
                recorded_by=actor,
                note=note.strip()[:300],
                decided_by=actor,
                decided_at=timezone.now(),
            )
        elif covenant.status == LocalCovenantStatus.PROPOSED:
            covenant.status = LocalCovenantStatus.CONFIRMED
            covenant.decided_by = actor
            covenant.decided_at = timezone.now()
            covenant.save(update_fields=["status", "decided_by", "decided_at"])
        _withdraw_drafts(municipal_party=agreement.municipal_party, partner=agreement.partner, actor=actor)
        record(
            action="agreements.local_covenant_recorded",
            actor=actor,
            organisation=agreement.municipal_party,
            obj=covenant,
        )
        _tell_both(covenant=covenant, event="recorded", by=None, agreement=agreement)
    return covenant


def undo(*, covenant_id: int, actor: Any) -> LocalCovenant:
    """The helpdesk undoes a confirmed local covenant: the pair gets an agreement again (R2)."""
    from lcv.agreements.generation import generate_agreements

    with transaction.atomic():
        covenant = (
            LocalCovenant.objects.select_for_update(of=("self",))
            .select_related("municipal_party", "partner")
            .get(pk=covenant_id)
        )
        if covenant.status != LocalCovenantStatus.CONFIRMED:
            raise LocalCovenantError("Alleen een vastgelegd lokaal convenant kan ongedaan worden gemaakt.")
        covenant.status = LocalCovenantStatus.UNDONE
        covenant.decided_by = actor
        covenant.decided_at = timezone.now()
        covenant.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            action="agreements.local_covenant_undone", actor=actor, organisation=covenant.municipal_party, obj=covenant
        )
        generate_agreements(actor=actor)
        agreement = Agreement.objects.filter(
            municipal_party=covenant.municipal_party, partner=covenant.partner, status=AgreementStatus.DRAFT
        ).first()
        _tell_both(covenant=covenant, event="undone", by=None, agreement=agreement)
    return covenant
