"""Writes for agreements. Each transition goes through workflow.py under select_for_update and leaves
an append-only history row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lcv.agreements.models import Agreement, AgreementHistory, AgreementStatus, LocalCovenant
from lcv.agreements.workflow import TransitionError, sources_for, transition
from lcv.audit.services import record
from lcv.notifications.services import absolute_url, send_templated_mail
from lcv.organisations.models import Organisation
from lcv.organisations.selectors import contacts_of


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


def end_agreement(
    *, agreement_id: int, organisation: Organisation, actor: Any, reason: str, end_date: date
) -> Agreement:
    """R9: either party ends an active agreement with a reason and a date (today or later); the
    counterparts are told. It ends on that date (today: at once; later: by the daily job), after
    which it admits no signals."""
    if not reason.strip():
        raise AgreementError("Geef een reden op voor het beëindigen.")
    if end_date < timezone.localdate():
        raise AgreementError("De einddatum kan niet in het verleden liggen.")
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update().select_related("municipal_party", "partner").get(pk=agreement_id)
        )
        if organisation.pk not in {p.pk for p in agreement.parties}:
            raise AgreementError("U kunt alleen overeenkomsten van uw eigen organisatie beëindigen.")
        try:
            transition(agreement.status, "end")
        except TransitionError as error:
            raise AgreementError(str(error)) from error
        if agreement.ends_on is not None:
            raise AgreementError("Deze overeenkomst is al opgezegd.")
        agreement.ends_on = end_date
        agreement.end_reason = reason.strip()
        agreement.save(update_fields=["ends_on", "end_reason"])
        AgreementHistory.objects.create(
            agreement=agreement,
            event="give_notice",
            from_status=agreement.status,
            to_status=agreement.status,
            actor=actor,
            details={"end_date": end_date.isoformat(), "by": organisation.pk},
        )
        if end_date <= timezone.localdate():
            _end(agreement, actor)
        record(action="agreements.end_given", actor=actor, organisation=organisation, obj=agreement)
        for counterpart in agreement.parties:
            if counterpart.pk == organisation.pk:
                continue
            addresses = contacts_of(counterpart)
            if addresses:
                context = {
                    "agreement": agreement,
                    "by": organisation,
                    "reason": reason.strip(),
                    "end_date": end_date,
                    "link": absolute_url(reverse("agreements:detail", args=[agreement.pk])),
                }
                transaction.on_commit(
                    partial(send_templated_mail, to=addresses, template="agreement_ended", context=context)
                )
    return agreement


def _end(agreement: Agreement, actor: Any) -> None:
    transition(agreement.status, "end")
    previous = agreement.status
    agreement.status = AgreementStatus.ENDED
    agreement.ended_at = timezone.now()
    agreement.save(update_fields=["status", "ended_at"])
    AgreementHistory.objects.create(
        agreement=agreement, event="end", from_status=previous, to_status=agreement.status, actor=actor
    )


def end_due_agreements() -> int:
    """Daily: agreements whose end date has come are ended (R9). Idempotent."""
    ended = 0
    due = Agreement.objects.filter(status=AgreementStatus.ACTIVE, ends_on__lte=timezone.localdate())
    for pk in due.values_list("id", flat=True):
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update().get(pk=pk)
            if agreement.status == AgreementStatus.ACTIVE:
                _end(agreement, None)
                ended += 1
    return ended
