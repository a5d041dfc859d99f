"""R6 / art. 6: addenda. Either party uploads a PDF with a short description (and, optionally, the
structured options the exchange will use); the counterpart accepts it."""

from __future__ import annotations

import hashlib
import re
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lcv.agreements.models import (
    OPEN_STATUSES,
    Addendum,
    AddendumAcceptance,
    AddendumStatus,
    Agreement,
    AgreementStatus,
)
from lcv.audit.services import record
from lcv.notifications.services import absolute_url, send_templated_mail
from lcv.organisations.models import MUNICIPAL_KINDS, Organisation, SignalSystem
from lcv.organisations.selectors import contacts_of

MAX_ADDENDUM_BYTES = 5 * 1024 * 1024


class AddendumError(Exception):
    """Refused; nothing stored. The message is Dutch and names the field where it can."""


def _check_pdf(data: bytes) -> None:
    if len(data) > MAX_ADDENDUM_BYTES:
        raise AddendumError("Het bestand is groter dan 5 MB. Verklein de PDF en probeer het opnieuw.")
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise AddendumError("Dit bestand is geen PDF. Lever het addendum aan als PDF-bestand.")


def check_days(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if not re.fullmatch(r"\d{1,2}(\s*,\s*\d{1,2})*", value):
        raise AddendumError("Vul de aanleverdagen in als dagen van de maand, gescheiden door komma's, bijv. 1,15.")
    days = sorted({int(day) for day in value.split(",")})
    if any(day < 1 or day > 28 for day in days):
        raise AddendumError("Aanleverdagen liggen tussen 1 en 28, zodat ze in elke maand bestaan.")
    return ",".join(str(day) for day in days)


def propose_addendum(
    *,
    agreement_id: int,
    organisation: Organisation,
    actor: Any,
    description: str,
    pdf: bytes,
    delivery_days: str = "",
    pause_at_delivery: bool = False,
) -> Addendum:
    if not description.strip():
        raise AddendumError("Geef een korte omschrijving van het addendum.")
    _check_pdf(pdf)
    days = check_days(delivery_days)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
        if organisation.pk not in {p.pk for p in agreement.parties}:
            raise AddendumError("U kunt alleen bij overeenkomsten van uw eigen organisatie een addendum voorstellen.")
        if agreement.status not in OPEN_STATUSES:
            raise AddendumError("Bij een beëindigde of ingetrokken overeenkomst kan geen addendum meer.")
        addendum = Addendum.objects.create(
            agreement=agreement,
            proposed_by=organisation,
            uploaded_by=actor,
            description=description.strip()[:300],
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            delivery_days=days,
            pause_at_delivery=pause_at_delivery,
        )
        record(action="addendum.proposed", actor=actor, organisation=organisation, obj=addendum)
        for counterpart in agreement.parties:
            if counterpart.pk != organisation.pk and (addresses := contacts_of(counterpart)):
                context = {
                    "agreement": agreement,
                    "addendum": addendum,
                    "by": organisation,
                    "link": absolute_url(reverse("agreements:detail", args=[agreement.pk])),
                }
                transaction.on_commit(
                    partial(send_templated_mail, to=addresses, template="addendum_proposed", context=context)
                )
    return addendum


def awaiting(addendum: Addendum) -> list[Organisation]:
    """The parties whose acceptance the addendum still needs (art. 6.1): every party of the
    agreement other than the proposer, the co-signing executor included."""
    accepted = set(addendum.acceptances.values_list("organisation_id", flat=True))
    return [
        party
        for party in addendum.agreement.parties
        if party.pk != addendum.proposed_by_id and party.pk not in accepted
    ]


def decide_addendum(*, addendum_id: int, organisation: Organisation, actor: Any, accept: bool) -> Addendum:
    """A party other than the proposer accepts or declines. The addendum binds once every other
    party has accepted (the other side, and the executor where it co-signs); one refusal ends it."""
    with transaction.atomic():
        addendum = Addendum.objects.select_for_update().select_related("agreement").get(pk=addendum_id)
        agreement = Agreement.objects.select_for_update().get(pk=addendum.agreement_id)
        parties = {p.pk for p in agreement.parties}
        if organisation.pk not in parties or organisation.pk == addendum.proposed_by_id:
            raise AddendumError("Alleen de andere partij kan dit addendum aanvaarden.")
        if addendum.status != AddendumStatus.PROPOSED:
            raise AddendumError("Over dit addendum is al besloten.")
        if agreement.status not in OPEN_STATUSES:
            raise AddendumError(
                "De overeenkomst is beëindigd of ingetrokken; over dit addendum kan niet meer worden besloten."
            )
        if addendum.acceptances.filter(organisation=organisation).exists():
            raise AddendumError("Uw organisatie heeft dit addendum al aanvaard; het wacht op de andere partij.")
        now = timezone.now()
        if not accept:
            addendum.status = AddendumStatus.DECLINED
        else:
            AddendumAcceptance.objects.create(addendum=addendum, organisation=organisation, actor=actor)
            if not awaiting(addendum):
                addendum.status = AddendumStatus.ACCEPTED
                if addendum.signal_system:
                    agreement.signal_system = addendum.signal_system
                    agreement.save(update_fields=["signal_system"])
        if addendum.status != AddendumStatus.PROPOSED:
            addendum.decided_by = actor
            addendum.decided_at = now
            addendum.save(update_fields=["status", "decided_by", "decided_at"])
            record(action=f"addendum.{addendum.status}", actor=actor, organisation=organisation, obj=addendum)
        else:
            record(action="addendum.accepted_by_party", actor=actor, organisation=organisation, obj=addendum)
    return addendum


def propose_signal_system_change(*, organisation: Organisation, system: str, actor: Any) -> int:
    """Art. 3.2: a municipal party exchanges signals through another system (asked of the
    helpdesk). Its choice is stored at once; an open agreement not yet released takes it over
    directly; every other open agreement gets an addendum proposed on the party's behalf, which
    changes the agreement's system once the other parties accept it. Returns how many addenda."""
    from lcv.agreements.documents import render_signal_system_addendum

    if system not in SignalSystem.values:
        raise AddendumError("Kies een van de signaleringssystemen uit de lijst.")
    if organisation.kind not in MUNICIPAL_KINDS:
        raise AddendumError("Alleen een gemeente of gemeenschappelijke regeling kiest een signaleringssysteem.")
    label = SignalSystem(system).label
    proposed = 0
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        agreements = Agreement.objects.select_for_update(of=("self",)).filter(
            municipal_party=organisation, status__in=OPEN_STATUSES
        )
        if organisation.signal_system == system and not agreements.exclude(signal_system=system).exists():
            raise AddendumError(f"{organisation.name} werkt al met {label}, ook in al haar lopende overeenkomsten.")
        before = organisation.signal_system
        organisation.signal_system = system
        organisation.save(update_fields=["signal_system"])
        record(
            action="organisation.signal_system_changed",
            actor=actor,
            organisation=organisation,
            obj=organisation,
            details={"from": before, "to": system},
        )
        for agreement in agreements.select_related("municipal_party", "partner", "executor"):
            # an earlier proposal for another system lapses: the newest choice is the one to accept
            agreement.addenda.filter(status=AddendumStatus.PROPOSED).exclude(signal_system="").update(
                status=AddendumStatus.DECLINED, decided_at=timezone.now()
            )
            if agreement.status == AgreementStatus.DRAFT:
                agreement.signal_system = system
                agreement.save(update_fields=["signal_system"])
                continue
            if agreement.signal_system == system:
                continue
            pdf = render_signal_system_addendum(agreement, system)
            addendum = Addendum.objects.create(
                agreement=agreement,
                proposed_by=organisation,
                uploaded_by=actor,
                description=f"Ander signaleringssysteem: {label}"[:300],
                pdf=pdf,
                sha256=hashlib.sha256(pdf).hexdigest(),
                signal_system=system,
            )
            record(action="addendum.proposed", actor=actor, organisation=organisation, obj=addendum)
            proposed += 1
            for counterpart in agreement.parties:
                if counterpart.pk != organisation.pk and (addresses := contacts_of(counterpart)):
                    context = {
                        "agreement": agreement,
                        "addendum": addendum,
                        "by": organisation,
                        "link": absolute_url(reverse("agreements:detail", args=[agreement.pk])),
                    }
                    transaction.on_commit(
                        partial(send_templated_mail, to=addresses, template="addendum_proposed", context=context)
                    )
    return proposed


def package_with_addenda(agreement: Agreement, document_pdf: bytes, document_name: str) -> bytes | None:
    """The download of an agreement with accepted addenda (R6): one ZIP holding the agreement
    document exactly as stored (a sealed one stays verifiable at /verificatie/), every accepted
    addendum, and a Dutch table of contents with who proposed and accepted each and its SHA-256.
    None when there are no accepted addenda (the document is downloaded on its own)."""
    import io
    import zipfile
    from zoneinfo import ZoneInfo

    accepted = list(
        agreement.addenda.filter(status=AddendumStatus.ACCEPTED)
        .select_related("proposed_by", "decided_by")
        .order_by("decided_at", "id")
    )
    if not accepted:
        return None
    zone = ZoneInfo("Europe/Amsterdam")
    lines = [
        f"Overeenkomst {agreement.pk}: {agreement.municipal_party.name} en {agreement.partner.name}",
        "",
        f"{document_name}  (SHA-256 {hashlib.sha256(document_pdf).hexdigest()})",
        "",
        "Aanvaarde addenda (artikel 6):",
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(document_name, document_pdf)
        for number, addendum in enumerate(accepted, start=1):
            name = f"addendum-{number}-{addendum.pk}.pdf"
            archive.writestr(name, bytes(addendum.pdf))
            decided = timezone.localtime(addendum.decided_at, zone) if addendum.decided_at else None
            lines += [
                "",
                f"{number}. {name}: {addendum.description}",
                f"   voorgesteld door {addendum.proposed_by.name}"
                + (f", aanvaard op {decided:%d-%m-%Y %H:%M}" if decided else ""),
                f"   SHA-256 {addendum.sha256}",
            ]
            if addendum.delivery_days:
                lines.append(f"   andere aanleverdagen: {addendum.delivery_days}")
            if addendum.pause_at_delivery:
                lines.append("   incasso gepauzeerd vanaf aanlevering")
            if addendum.signal_system:
                lines.append(f"   signaleringssysteem: {addendum.get_signal_system_display()}")
        archive.writestr("inhoud.txt", "\r\n".join(lines) + "\r\n")
    return buffer.getvalue()
