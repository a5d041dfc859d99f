"""Work trays (werkbakjes): a municipal party's triage rules sort its new cases into trays.

Rules are tried in their order; the first that fits decides, and a case no rule fits goes to the
party's last tray. Only cases nobody has picked up are (re)sorted: a new signal can move an
untouched case (for example into the tray for multiple creditors), never a case in someone's hands.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lcv.cases.models import Approach, Case, CaseStatus, Tray, TriageRule
from lcv.organisations.models import Organisation, Sector

SECTOR_FIELDS = {
    Sector.HOUSING.value: "has_housing",
    Sector.WATER.value: "has_water",
    Sector.ENERGY.value: "has_energy",
    Sector.HEALTH_INSURANCE.value: "has_health_insurance",
}

# A new municipal party starts with these (name, approach, rule conditions); the last catches the rest.
DEFAULT_TRAYS: tuple[tuple[str, str, dict[str, object] | None], ...] = (
    (str(_("Crisis en afsluiting")), Approach.HOME_VISIT, {"urgent": True}),
    (str(_("Meerdere schuldeisers")), Approach.PHONE, {"multiple": True}),
    (str(_("Jongeren tot 27 jaar")), Approach.PHONE, {"under_27": True}),
    (str(_("Eén signaal")), Approach.CARD, None),
)


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def condition(rule: TriageRule, today: date) -> Q:
    """The rule as a database condition on cases (empty conditions are not checked)."""
    q = Q()
    if rule.multiple is not None:
        q &= Q(sector_count__gte=2) if rule.multiple else Q(sector_count__lt=2)
    if rule.urgent is not None:
        urgent = Q(crisis=True) | Q(shut_off=True) | Q(threatening=True)
        q &= urgent if rule.urgent else ~urgent
    if rule.sector:
        q &= Q(**{SECTOR_FIELDS[rule.sector]: True})
    if rule.amount_above is not None:
        q &= Q(total_euros__gt=rule.amount_above)
    if rule.under_27 is not None:
        young = Q(youngest_birth_date__gt=_years_ago(today, 27))
        q &= young if rule.under_27 else ~young
    if rule.postcode_from is not None:
        q &= Q(postcode__gte=f"{rule.postcode_from:04d}")
    if rule.postcode_to is not None:
        q &= Q(postcode__lt=f"{rule.postcode_to + 1:04d}")
    return q


@transaction.atomic
def ensure_default_trays(party: Organisation) -> list[Tray]:
    """A municipal party without trays gets the default ones (and their rules)."""
    trays = list(Tray.objects.filter(municipal_party=party))
    if trays:
        return trays
    for position, (name, approach, conditions) in enumerate(DEFAULT_TRAYS):
        tray = Tray.objects.create(municipal_party=party, name=name, approach=approach, position=position)
        trays.append(tray)
        if conditions is not None:
            TriageRule.objects.create(municipal_party=party, tray=tray, position=position, **conditions)
    return trays


def sort_into_trays(cases: QuerySet[Case], *, today: date | None = None) -> None:
    """Put the untouched cases among these into the tray of the first rule that fits them."""
    today = today or date.today()
    untouched = cases.filter(status=CaseStatus.NEW, handler__isnull=True, is_open=True)
    party_ids = set(untouched.values_list("municipal_party_id", flat=True).distinct())
    for party in Organisation.objects.filter(pk__in=party_ids):
        trays = ensure_default_trays(party)
        mine = untouched.filter(municipal_party=party)
        mine.update(tray=None)
        for rule in TriageRule.objects.filter(municipal_party=party).order_by("position", "id"):
            mine.filter(tray__isnull=True).filter(condition(rule, today)).update(tray=rule.tray_id)
        mine.filter(tray__isnull=True).update(tray=trays[-1].pk)
