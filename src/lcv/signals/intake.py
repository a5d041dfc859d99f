"""Receiving deliveries: every way in (upload, API, form, CAK file) stores the delivery exactly as
received (content, SHA-256, who, when) and only then queues its processing. The same file from the
same organisation, or the same client delivery id, is recognised and not processed twice."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction

from lcv.audit.services import record
from lcv.organisations.models import Organisation, SignalSystem
from lcv.signals.models import ApiToken, Delivery, DeliverySource, DeliveryStatus

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class IntakeError(Exception):
    """Refused before anything was stored; the message is Dutch."""


@dataclass(frozen=True)
class Received:
    delivery: Delivery
    is_new: bool  # False: the same delivery was received before; nothing new was stored


def _queue(delivery_id: int) -> None:
    from lcv.signals.tasks import process_delivery_task

    process_delivery_task.enqueue(delivery_id)


def _store(lookup: dict[str, Any], values: dict[str, Any]) -> Received:
    """Create the delivery, or find the one received before (also when two arrive at once: the
    unique constraints decide, the loser finds the winner's). Every way in passes here, so an
    organisation that has left the platform delivers nothing by any of them."""
    if lookup["organisation"].left_at is not None:
        raise IntakeError(
            "Uw organisatie neemt niet meer deel aan het LCV-portaal en kan geen signalen meer aanleveren. "
            "Denkt u dat dit niet klopt, neem dan contact op met de helpdesk."
        )
    earlier = Delivery.objects.filter(**lookup).exclude(status=DeliveryStatus.FAILED)
    existing = earlier.first()
    if existing is not None:
        return Received(existing, is_new=False)
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(**lookup, **values)
            record(
                action="signals.delivery_received",
                actor=values.get("received_by"),
                organisation=lookup["organisation"],
                obj=delivery,
                details={"source": delivery.source, "bytes": len(values["content"])},
            )
            transaction.on_commit(partial(_queue, delivery.pk))
    except IntegrityError:
        existing = earlier.first()
        if existing is None:
            raise
        return Received(existing, is_new=False)
    return Received(delivery, is_new=True)


def cak_elsewhere(organisation: Organisation) -> str:
    """Why a municipal party that exchanges signals elsewhere uploads no CAK file here."""
    chosen = organisation.get_signal_system_display() or "nog geen systeem"
    return (
        f"Uw organisatie ontvangt signalen via {chosen}, niet via LCV-portaal. Lever het CAK-bestand daar aan, "
        "of vraag de helpdesk om LCV-portaal als signaleringssysteem te kiezen."
    )


def receive_file(
    *, organisation: Organisation, actor: Any, file_name: str, content: bytes, cak: bool = False
) -> Received:
    """An upload in the portal (CSV or XLSX); `cak`: a municipality's CAK file (FAQ 29)."""
    from lcv.signals.reading import sniff_format

    if not content:
        raise IntakeError("Het bestand is leeg. Kies het bestand met de signalen.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise IntakeError("Het bestand is groter dan 50 MB. Splits het in kleinere bestanden.")
    file_format = sniff_format(file_name, content)
    if file_format == "unknown":
        raise IntakeError(
            "Dit is geen CSV- of Excelbestand. Lever een CSV-bestand of een Excel-bestand (.xlsx) aan, zoals het "
            "sjabloon."
        )
    if cak and organisation.signal_system != SignalSystem.PLATFORM:
        raise IntakeError(cak_elsewhere(organisation))
    sha256 = hashlib.sha256(content).hexdigest()
    source = DeliverySource.CAK if cak else DeliverySource.UPLOAD
    return _store(
        {"organisation": organisation, "sha256": sha256, "source": source},
        {"received_by": actor, "file_name": file_name[:200], "file_format": file_format, "content": content},
    )


def receive_api(*, token: ApiToken, client_reference: str, body: bytes) -> Received:
    """A POST /api/v1/deliveries: the client's delivery id is the idempotency key."""
    return _store(
        {"organisation": token.organisation, "client_reference": client_reference},
        {
            "source": DeliverySource.API,
            "api_token": token,
            "file_format": "json",
            "content": body,
            "sha256": hashlib.sha256(body).hexdigest(),
        },
    )


def receive_form(*, organisation: Organisation, actor: Any, values: dict[str, str], reference: str) -> Received:
    """One signal entered in the portal's form (small landlords). `reference` is the form's own
    one-time id, so a double click stores it once."""
    body = json.dumps({"signalen": [values]}, ensure_ascii=False, sort_keys=True).encode()
    return _store(
        {"organisation": organisation, "client_reference": f"formulier-{reference}"},
        {
            "source": DeliverySource.FORM,
            "received_by": actor,
            "file_format": "json",
            "content": body,
            "sha256": hashlib.sha256(body).hexdigest(),
        },
    )
