"""R16: the municipal party outsources handling to an executor under a mandate (from, until, all
trays or chosen ones, whether the executor queries the BRP itself). The municipality stays
controller: its contact records and ends mandates; who sees which case follows from them in
selectors.visibility. Every write is one transaction with an audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lcv.audit.services import record
from lcv.cases.models import Mandate, Tray
from lcv.organisations.models import Organisation, OrganisationKind


class MandateError(ValueError):
    """A refused mandate, with the Dutch message for the contact."""


def executors() -> QuerySet[Organisation]:
    """The executors on the platform a mandate can be given to."""
    return Organisation.objects.filter(kind=OrganisationKind.EXECUTOR, left_at__isnull=True).order_by("name")


def mandates_of(party: Organisation) -> QuerySet[Mandate]:
    return (
        Mandate.objects.filter(municipal_party=party)
        .select_related("executor", "created_by")
        .prefetch_related("trays")
        .order_by("-valid_from", "-id")
    )


@dataclass(frozen=True)
class MandateRows:
    running: list[Mandate]
    future: list[Mandate]
    ended: list[Mandate]


def grouped(party: Organisation, today: date | None = None) -> MandateRows:
    today = today or timezone.localdate()
    rows = list(mandates_of(party))
    ended = [m for m in rows if m.valid_until is not None and m.valid_until < today]
    future = [m for m in rows if m not in ended and m.valid_from > today]
    running = [m for m in rows if m not in ended and m not in future]
    return MandateRows(running=running, future=future, ended=ended)


def check(*, valid_from: date, valid_until: date | None, today: date) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise MandateError(_("De einddatum ligt vóór de begindatum. Kies een einddatum op of na de begindatum."))
    if valid_until is not None and valid_until < today:
        raise MandateError(
            _("De einddatum ligt in het verleden. Een mandaat dat al voorbij is, hoeft u niet vast te leggen.")
        )


@transaction.atomic
def record_mandate(
    *,
    party: Organisation,
    actor: Any,
    executor_id: int,
    valid_from: date,
    valid_until: date | None,
    tray_ids: list[int],
    brp_access: bool,
) -> Mandate:
    """R16: the executor's handlers see this party's cases (of the chosen trays, or all) from
    `valid_from` up to and including `valid_until`; without BRP access only once the BRP check is
    done."""
    check(valid_from=valid_from, valid_until=valid_until, today=timezone.localdate())
    executor = executors().filter(pk=executor_id).first()
    if executor is None:
        raise MandateError(_("Kies een uitvoerder uit de lijst."))
    trays = list(Tray.objects.filter(municipal_party=party, pk__in=tray_ids))
    if len(trays) != len(set(tray_ids)):
        raise MandateError(_("Kies alleen werkbakken van uw eigen organisatie."))
    mandate = Mandate.objects.create(
        municipal_party=party,
        executor=executor,
        valid_from=valid_from,
        valid_until=valid_until,
        brp_access=brp_access,
        created_by=actor,
    )
    mandate.trays.set(trays)
    record(
        action="cases.mandate_recorded",
        actor=actor,
        organisation=party,
        obj=mandate,
        details={
            "executor": executor.pk,
            "from": valid_from.isoformat(),
            "until": valid_until.isoformat() if valid_until else None,
            "trays": sorted(tray.pk for tray in trays),
            "brp_access": brp_access,
        },
    )
    return mandate


@transaction.atomic
def end_mandate(*, party: Organisation, actor: Any, mandate_id: int) -> Mandate:
    """R16: end a mandate now. The until-date is inclusive, so it becomes yesterday: the executor's
    handlers lose sight of the cases at once (a mandate that had not started ends before it does)."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate_id, municipal_party=party)
    today = timezone.localdate()
    if mandate.valid_until is not None and mandate.valid_until < today:
        raise MandateError(_("Dit mandaat is al beëindigd."))
    mandate.valid_until = min(today, mandate.valid_from) - timedelta(days=1)
    mandate.save(update_fields=["valid_until"])
    record(
        action="cases.mandate_ended",
        actor=actor,
        organisation=party,
        obj=mandate,
        details={"executor": mandate.executor_id, "until": mandate.valid_until.isoformat()},
    )
    return mandate
