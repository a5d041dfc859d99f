"""The municipal party's work trays and triage rules, edited by its contact (issue 11 item 6).

Rules are tried in their order; the first that fits decides; a case no rule fits goes to the last
tray (triage.py). After every change the party's untouched open cases are sorted again, so the
trays show at once what the new rules do; a case in someone's hands stays where it is.
Every write is one transaction with an audit event ("cases.tray_changed")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lcv.audit.services import record
from lcv.cases import triage
from lcv.cases.models import Case, Mandate, Tray, TriageRule
from lcv.organisations.models import Organisation, Sector

CONDITION_FIELDS = ("multiple", "urgent", "sector", "amount_above", "under_27", "postcode_from", "postcode_to")


class TrayError(ValueError):
    """A refused change, with the Dutch message for the contact."""


@dataclass(frozen=True)
class RuleConditions:
    multiple: bool | None = None
    urgent: bool | None = None
    sector: str = ""
    amount_above: int | None = None
    under_27: bool | None = None
    postcode_from: int | None = None
    postcode_to: int | None = None

    def as_fields(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in CONDITION_FIELDS}


def describe(rule: TriageRule) -> str:
    """The rule's conditions in Dutch words, e.g. "meerdere sectoren · bedrag boven € 500"."""
    parts: list[str] = []
    if rule.multiple is not None:
        parts.append(_("meerdere sectoren") if rule.multiple else _("één sector"))
    if rule.urgent is not None:
        parts.append(_("crisis, afsluiting of bedreigend") if rule.urgent else _("geen crisis of afsluiting"))
    if rule.sector:
        parts.append(_("sector %(sector)s") % {"sector": Sector(rule.sector).label.lower()})
    if rule.amount_above is not None:
        parts.append(_("bedrag boven € %(amount)s") % {"amount": f"{rule.amount_above:,}".replace(",", ".")})
    if rule.under_27 is not None:
        parts.append(_("iemand jonger dan 27") if rule.under_27 else _("niemand jonger dan 27"))
    if rule.postcode_from is not None or rule.postcode_to is not None:
        low = f"{rule.postcode_from:04d}" if rule.postcode_from is not None else "1000"
        high = f"{rule.postcode_to:04d}" if rule.postcode_to is not None else "9999"
        parts.append(_("postcode %(low)s t/m %(high)s") % {"low": low, "high": high})
    return " · ".join(parts) or _("elke zaak")


def check_conditions(conditions: RuleConditions) -> None:
    if all(value in (None, "") for value in conditions.as_fields().values()):
        raise TrayError(
            _(
                "Kies minstens één voorwaarde. Een regel zonder voorwaarde past op elke zaak; zaken waarop geen "
                "regel past, komen al in de laatste werkbak."
            )
        )
    if conditions.sector:
        Sector(conditions.sector)
    low, high = conditions.postcode_from, conditions.postcode_to
    for value in (low, high):
        if value is not None and not 1000 <= value <= 9999:
            raise TrayError(_("Een postcodegebied gaat over de 4 cijfers van de postcode, van 1000 tot en met 9999."))
    if low is not None and high is not None and low > high:
        raise TrayError(_("De postcode 'tot en met' ligt vóór de postcode 'vanaf'. Draai ze om."))


def resort(party: Organisation) -> None:
    """Sort the party's untouched open cases into the trays again (triage.py)."""
    triage.sort_into_trays(Case.objects.filter(municipal_party=party, is_open=True), today=timezone.localdate())


def _audit(party: Organisation, actor: Any, what: str, **details: Any) -> None:
    record(action="cases.tray_changed", actor=actor, organisation=party, details={"what": what, **details})


def _next_position(rows: Any) -> int:
    last = rows.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


@transaction.atomic
def save_tray(*, party: Organisation, actor: Any, name: str, approach: str, tray_id: int | None = None) -> Tray:
    """Make a tray (at the end) or change one's name and default approach."""
    name = name.strip()
    if not name:
        raise TrayError(_("Geef de werkbak een naam."))
    triage.ensure_default_trays(party)
    if tray_id is None:
        tray = Tray(municipal_party=party, position=_next_position(Tray.objects.filter(municipal_party=party)))
    else:
        tray = Tray.objects.select_for_update().get(pk=tray_id, municipal_party=party)
    tray.name, tray.approach = name, approach
    try:
        with transaction.atomic():
            tray.save()
    except IntegrityError as error:
        raise TrayError(
            _("Er is al een werkbak met de naam '%(name)s'. Kies een andere naam.") % {"name": name}
        ) from error
    _audit(party, actor, "tray_saved", tray=tray.pk)
    resort(party)
    return tray


def _mandates_naming(tray: Tray) -> Any:
    today = timezone.localdate()
    return Mandate.objects.filter(trays=tray).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


@transaction.atomic
def delete_tray(*, party: Organisation, actor: Any, tray_id: int, move_to_id: int | None) -> None:
    """Delete a tray with its rules. Its cases go to the tray the contact chose; a tray named in a
    running or future mandate stays (deleting it would widen that mandate to all trays, R16)."""
    tray = Tray.objects.select_for_update().get(pk=tray_id, municipal_party=party)
    if Tray.objects.filter(municipal_party=party).count() == 1:
        raise TrayError(_("Dit is de enige werkbak. Maak eerst een andere werkbak; daarna kunt u deze verwijderen."))
    mandate = _mandates_naming(tray).select_related("executor").first()
    if mandate is not None:
        raise TrayError(
            _(
                "Het mandaat voor %(executor)s noemt deze werkbak. Beëindig eerst dat mandaat en leg zo nodig een "
                "nieuw mandaat vast met de juiste werkbakken."
            )
            % {"executor": mandate.executor.name}
        )
    cases = Case.objects.filter(tray=tray)
    target = None
    if move_to_id is not None:
        target = Tray.objects.filter(pk=move_to_id, municipal_party=party).exclude(pk=tray.pk).first()
    if cases.exists() and target is None:
        raise TrayError(_("Er staan zaken in deze werkbak. Kies de werkbak waar ze naartoe gaan."))
    moved = cases.update(tray=target) if target is not None else 0
    tray.delete()
    _audit(party, actor, "tray_deleted", tray=tray_id, moved_to=target.pk if target else None, cases=moved)
    resort(party)


@transaction.atomic
def save_rule(
    *, party: Organisation, actor: Any, tray_id: int, conditions: RuleConditions, rule_id: int | None = None
) -> TriageRule:
    """Make a rule (at the end of the order) or change one: conditions -> tray."""
    check_conditions(conditions)
    tray = Tray.objects.get(pk=tray_id, municipal_party=party)
    if rule_id is None:
        rule = TriageRule(
            municipal_party=party, position=_next_position(TriageRule.objects.filter(municipal_party=party))
        )
    else:
        rule = TriageRule.objects.select_for_update().get(pk=rule_id, municipal_party=party)
    rule.tray = tray
    for field, value in conditions.as_fields().items():
        setattr(rule, field, value)
    rule.save()
    _audit(party, actor, "rule_saved", rule=rule.pk, tray=tray.pk)
    resort(party)
    return rule


@transaction.atomic
def delete_rule(*, party: Organisation, actor: Any, rule_id: int) -> None:
    rule = TriageRule.objects.select_for_update().get(pk=rule_id, municipal_party=party)
    rule.delete()
    _audit(party, actor, "rule_deleted", rule=rule_id)
    resort(party)


def _swap(rows: list[Any], index: int, step: int) -> list[Any]:
    other = index + step
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    return rows


@transaction.atomic
def move(*, party: Organisation, actor: Any, model: type[Tray] | type[TriageRule], pk: int, up: bool) -> None:
    """Move a tray or a rule one place up or down; positions are numbered again from 0."""
    rows = list(model.objects.select_for_update().filter(municipal_party=party).order_by("position", "id"))
    index = next((i for i, row in enumerate(rows) if row.pk == pk), None)
    if index is None:
        raise model.DoesNotExist
    for position, row in enumerate(_swap(rows, index, -1 if up else 1)):
        if row.position != position:
            model.objects.filter(pk=row.pk).update(position=position)
    _audit(party, actor, "moved", kind=model._meta.model_name, id=pk, up=up)
    resort(party)
