"""Who sees which cases (R16, §4) and the reads the screens need.

One rule decides visibility, as a database condition (`visibility`) and for one case
(`case_owners`, the policy's owner resolver): the receiving municipal party; a joint arrangement
for its members' cases; an executor for exactly the cases of a mandate that runs today (its trays,
or all), and, without its own BRP access, only once the BRP check is done.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from lcv.cases.models import BrpStatus, Case, CaseAccess, Mandate
from lcv.organisations.models import Organisation, OrganisationKind

# the BRP check is done (or not used): an executor without BRP access may see the case
CHECKED = (BrpStatus.OFF, BrpStatus.MATCHED, BrpStatus.NOT_RESIDENT, BrpStatus.MANUAL)


def running_mandates(executor: Organisation, today: date | None = None) -> QuerySet[Mandate]:
    today = today or timezone.localdate()
    return Mandate.objects.filter(executor=executor, valid_from__lte=today).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def _mandate_condition(mandate: Mandate) -> Q:
    q = Q(municipal_party_id=mandate.municipal_party_id)
    trays = [tray.pk for tray in mandate.trays.all()]
    if trays:
        q &= Q(tray_id__in=trays)
    if not mandate.brp_access:
        q &= Q(brp_status__in=CHECKED)
    return q


def visibility(organisation: Organisation, today: date | None = None) -> Q:
    """R16: the cases this organisation's handlers may see, as a condition (nothing: no case)."""
    q = Q(pk__in=[])
    if organisation.kind == OrganisationKind.MUNICIPALITY:
        q = Q(municipal_party=organisation)
    elif organisation.kind == OrganisationKind.JOINT_ARRANGEMENT:
        members = list(organisation.municipalities.values_list("pk", flat=True))
        q = Q(municipal_party=organisation) | Q(municipality_id__in=members)
    elif organisation.kind == OrganisationKind.EXECUTOR:
        for mandate in running_mandates(organisation, today).prefetch_related("trays"):
            q |= _mandate_condition(mandate)
    return q


def visible_cases(organisation: Organisation) -> QuerySet[Case]:
    return Case.objects.filter(visibility(organisation))


def case_owners(case: Case) -> list[Organisation]:
    """The policy's owner resolver: the organisations whose handlers may open this case."""
    owners = [case.municipal_party]
    owners += Organisation.objects.filter(
        kind=OrganisationKind.JOINT_ARRANGEMENT, municipalities=case.municipality_id
    ).exclude(pk=case.municipal_party_id)
    today = timezone.localdate()
    mandates = (
        Mandate.objects.filter(municipal_party_id=case.municipal_party_id, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("executor")
        .prefetch_related("trays")
    )
    for mandate in mandates:
        if Case.objects.filter(_mandate_condition(mandate), pk=case.pk).exists():
            owners.append(mandate.executor)
    return owners


def access_log(organisation: Organisation | None) -> QuerySet[CaseAccess]:
    """§4: who opened which case. The municipal party sees its own cases' log; None: the helpdesk,
    everything."""
    rows = CaseAccess.objects.select_related("user", "organisation", "case")
    if organisation is not None:
        rows = rows.filter(case__municipal_party=organisation)
    return rows


def work_summary(organisation: Organisation) -> dict[str, int]:
    """The start page's counts for a handler: open cases in the trays, over their term, due within 3
    working days, and waiting for a handler's look at the BRP check."""
    from lcv.core.calendar import add_working_days

    today = timezone.localdate()
    open_cases = visible_cases(organisation).filter(is_open=True, enters_at__lte=timezone.now())
    return {
        "open": open_cases.count(),
        "overdue": open_cases.filter(due_on__lt=today).count(),
        "due_soon": open_cases.filter(due_on__gte=today, due_on__lte=add_working_days(today, 3)).count(),
        "mismatches": visible_cases(organisation).filter(is_open=True, brp_status=BrpStatus.MISMATCH).count(),
    }
