"""Writes for agreements. Each transition goes through workflow.py under select_for_update and leaves
an append-only history row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from lcv.agreements.executors import awaiting_executor
from lcv.agreements.models import Agreement, AgreementHistory, AgreementStatus
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
        waiting = awaiting_executor(Organisation.objects.get(pk=municipal_party.pk))
        if waiting:
            raise AgreementError(waiting)
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


def record_local_covenants(*, agreement_ids: Iterable[int], actor: Any, note: str = "") -> int:
    """FAQ 16-17 from the helpdesk's agreement list: the pairs of these drafts keep their local
    covenant (the helpdesk records it for both parties). Only a draft can be turned into a local
    covenant; one that is further refuses the whole action."""
    ids = sorted(set(agreement_ids))
    if not ids:
        raise AgreementError("Kies eerst de overeenkomsten van de paren met een lokaal convenant.")
    chosen = list(Agreement.objects.filter(pk__in=ids).select_related("municipal_party", "partner"))
    if len(chosen) != len(ids):
        raise AgreementError("Een of meer gekozen overeenkomsten bestaan niet meer. Laad de lijst opnieuw.")
    for agreement in chosen:
        if agreement.status != AgreementStatus.DRAFT:
            raise AgreementError(
                f"Alleen bij een concept kunt u een lokaal convenant vastleggen; overeenkomst {agreement.pk} "
                f"({agreement}) is {agreement.get_status_display().lower()}."
            )
    from lcv.agreements.local_covenants import record_for_both

    with transaction.atomic():
        for agreement in chosen:
            record_for_both(agreement=agreement, actor=actor, note=note[:300])  # both contacts are told
    return len(chosen)


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


def _end(agreement: Agreement, actor: Any, event: str = "end") -> None:
    transition(agreement.status, event)
    previous = agreement.status
    agreement.status = AgreementStatus.ENDED
    agreement.ended_at = timezone.now()
    agreement.save(update_fields=["status", "ended_at"])
    AgreementHistory.objects.create(
        agreement=agreement, event=event, from_status=previous, to_status=agreement.status, actor=actor
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


UNSIGNED_OPEN = (AgreementStatus.DRAFT, AgreementStatus.RELEASED, AgreementStatus.PARTIALLY_SIGNED)


def withdraw_agreements(*, agreement_ids: Iterable[int], actor: Any, reason: str) -> list[Agreement]:
    """The helpdesk withdraws agreements that are not yet active (a party leaves before signing).
    All or nothing: one that is active, ended or already withdrawn refuses the whole action. The
    contacts of every party are told. A withdrawn pair gets no new draft from generation."""
    ids = sorted(set(agreement_ids))
    reason = reason.strip()
    if not ids:
        raise AgreementError("Kies eerst de overeenkomsten die u wilt intrekken.")
    if not reason:
        raise AgreementError("Geef een reden op voor het intrekken.")
    with transaction.atomic():
        agreements = list(
            Agreement.objects.select_for_update(of=("self",))
            .select_related("municipal_party", "partner", "executor")
            .filter(pk__in=ids)
        )
        if len(agreements) != len(ids):
            raise AgreementError("Een of meer gekozen overeenkomsten bestaan niet meer. Laad de lijst opnieuw.")
        for agreement in agreements:
            try:
                transition(agreement.status, "withdraw")
            except TransitionError as error:
                raise AgreementError(f"{error} Het gaat om overeenkomst {agreement.pk} ({agreement}).") from error
        history = []
        for agreement in agreements:
            history.append(
                AgreementHistory(
                    agreement=agreement,
                    event="withdraw",
                    from_status=agreement.status,
                    to_status=AgreementStatus.WITHDRAWN,
                    actor=actor,
                    details={"reason": reason[:300]},
                )
            )
            agreement.status = AgreementStatus.WITHDRAWN
        Agreement.objects.filter(pk__in=ids).update(status=AgreementStatus.WITHDRAWN)
        AgreementHistory.objects.bulk_create(history)
        record(action="agreements.withdrawn", actor=actor, details={"count": len(ids)})
        _tell_parties_of_withdrawal(agreements, reason)
    return agreements


def _tell_parties_of_withdrawal(agreements: list[Agreement], reason: str) -> None:
    """One e-mail per organisation, listing its withdrawn agreements."""
    by_party: dict[int, tuple[Organisation, list[Agreement]]] = {}
    for agreement in agreements:
        for party in agreement.parties:
            by_party.setdefault(party.pk, (party, []))[1].append(agreement)
    for party, withdrawn in by_party.values():
        addresses = contacts_of(party)
        if addresses:
            context = {
                "organisation": party,
                "agreements": withdrawn,
                "reason": reason,
                "link": absolute_url(reverse("agreements:list") + "?status=withdrawn"),
            }
            transaction.on_commit(
                partial(send_templated_mail, to=addresses, template="agreements_withdrawn", context=context)
            )


def record_departure(*, organisation: Organisation, actor: Any, reason: str) -> int:
    """A party leaves: it gets no new agreements, its agreements that are not yet active are
    withdrawn and its active ones end today (it admits and receives no signals any more, so the
    state says so; the other parties are told). Returns the number withdrawn or ended."""
    reason = reason.strip()
    if not reason:
        raise AgreementError("Geef een reden op voor het vertrek.")
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.left_at is not None:
            raise AgreementError(f"Het vertrek van {organisation.name} is al vastgelegd.")
        organisation.left_at = timezone.now()
        organisation.save(update_fields=["left_at"])
        record(action="organisation.departure_recorded", actor=actor, organisation=organisation)
        ids = list(
            Agreement.objects.filter(
                Q(municipal_party=organisation) | Q(partner=organisation) | Q(executor=organisation),
                status__in=UNSIGNED_OPEN,
            ).values_list("id", flat=True)
        )
        if ids:
            withdraw_agreements(agreement_ids=ids, actor=actor, reason=reason)
        active = Agreement.objects.select_for_update(of=("self",)).filter(
            Q(municipal_party=organisation) | Q(partner=organisation) | Q(executor=organisation),
            status=AgreementStatus.ACTIVE,
        )
        ended = 0
        for agreement in active.select_related("municipal_party", "partner", "executor"):
            agreement.ends_on = timezone.localdate()
            agreement.end_reason = f"Vertrek van {organisation.name} van het platform: {reason}"[:500]
            agreement.save(update_fields=["ends_on", "end_reason"])
            _end(agreement, actor, event="end_at_departure")
            ended += 1
            for counterpart in agreement.parties:
                if counterpart.pk != organisation.pk and (addresses := contacts_of(counterpart)):
                    context = {
                        "agreement": agreement,
                        "by": organisation,
                        "reason": agreement.end_reason,
                        "end_date": agreement.ends_on,
                        "link": absolute_url(reverse("agreements:detail", args=[agreement.pk])),
                    }
                    transaction.on_commit(
                        partial(send_templated_mail, to=addresses, template="agreement_ended", context=context)
                    )
    return len(ids) + ended


def update_template_windows(*, template_id: int, windows: dict[str, dict[str, int | None]], actor: Any) -> Any:
    """Art. 3.1 windows are data per template version, edited by the helpdesk. A version that is in
    use (an agreement made from it was released, or its document rendered) keeps its terms: the
    change becomes a new current version, and drafts of the old one that nobody has seen yet move
    to it. An unused version is changed in place. Returns the version that now holds the windows."""
    from lcv.agreements.models import AgreementDocument, AgreementTemplate
    from lcv.organisations.models import Sector

    labels = dict(Sector.choices)
    for sector, window in windows.items():
        low, high = window.get("min_days"), window.get("max_days")
        if sector not in labels:
            raise AgreementError(f"Onbekende sector: {sector}.")
        if low is None or low < 1:
            raise AgreementError(f"{labels[sector]}: vul een minimum van ten minste 1 dag in.")
        if high is not None and high < low:
            raise AgreementError(f"{labels[sector]}: het maximum mag niet kleiner zijn dan het minimum.")
    with transaction.atomic():
        template = AgreementTemplate.objects.select_for_update().get(pk=template_id)
        if template.windows == windows:
            raise AgreementError("Er is niets gewijzigd.")
        in_use = (
            Agreement.objects.filter(template=template, released_at__isnull=False).exists()
            or AgreementDocument.objects.filter(agreement__template=template).exists()
        )
        if not in_use:
            previous = template.windows
            template.windows = windows
            template.save(update_fields=["windows"])
            record(
                action="agreement_template.windows_changed",
                actor=actor,
                obj=template,
                details={"version": template.version, "before": previous, "after": windows},
            )
            return template
        if not template.is_current:
            raise AgreementError(
                f"Versie {template.version} is in gebruik en niet de huidige versie. Wijzig de huidige versie."
            )
        latest = AgreementTemplate.objects.order_by("-version").values_list("version", flat=True).first() or 0
        AgreementTemplate.objects.filter(pk=template.pk).update(is_current=False)
        new = AgreementTemplate.objects.create(
            version=latest + 1,
            title=template.title,
            template_name=template.template_name,
            windows=windows,
            is_current=True,
        )
        moved = (
            Agreement.objects.filter(template=template, status=AgreementStatus.DRAFT, released_at__isnull=True)
            .exclude(documents__isnull=False)
            .update(template=new)
        )
        record(
            action="agreement_template.version_created",
            actor=actor,
            obj=new,
            details={"from_version": template.version, "version": new.version, "windows": windows, "moved": moved},
        )
    return new
