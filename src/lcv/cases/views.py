"""The handler's screens (R15-R19): the work trays, the case and its work.

A handler sees the cases of its own organisation's visibility (selectors.visibility: the municipal
party, a joint arrangement's members, an executor's mandates) and nothing else: a case outside it is
"not found". Opening a case or a person is logged (§4). No personal data in URLs: cases and persons
are addressed by their numbers only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lcv.accounts.policy import Action, membership_of, require
from lcv.audit.services import record
from lcv.cases import priority, selectors, services
from lcv.cases.forms import AssignForm, AttemptForm, FilterForm, NoteForm, OutcomeForm, ReopenForm
from lcv.cases.models import BrpStatus, Case, CaseAccess, CaseSettings, CaseStatus, Tray
from lcv.cases.services import CaseError
from lcv.cases.triage import SECTOR_FIELDS
from lcv.cases.workflow import EVENT_LABELS
from lcv.core.calendar import add_working_days
from lcv.core.paging import query_without_page
from lcv.core.spreadsheet import csv_response
from lcv.organisations.models import Membership, Organisation, OrganisationKind

PAGE_SIZE = 25
# by deadline, the earliest first, then priority (R18, R19); a case with no running deadline last on
# every database (SQLite would put NULL first, PostgreSQL last)
TRAY_ORDER = (F("due_on").asc(nulls_last=True), "-score", "pk")
CASE_KINDS = (OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_ARRANGEMENT, OrganisationKind.EXECUTOR)


def _organisation(request: HttpRequest) -> Organisation:
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    require(request.user, Action.HANDLE_CASES, membership.organisation)
    if membership.organisation.kind not in CASE_KINDS:
        raise PermissionDenied  # signal partners and the platform handle no cases (§4)
    return membership.organisation


def _visible(organisation: Organisation) -> QuerySet[Case]:
    return selectors.visible_cases(organisation)


def _case(request: HttpRequest, pk: int) -> tuple[Organisation, Case]:
    organisation = _organisation(request)
    case = _visible(organisation).select_related("municipal_party", "tray", "handler").filter(pk=pk).first()
    if case is None:
        raise Http404
    require(request.user, Action.HANDLE_CASES, case)
    return organisation, case


def _weights(party_ids: set[int]) -> dict[int, dict[str, int]]:
    settings = {s.municipal_party_id: s for s in CaseSettings.objects.filter(municipal_party_id__in=party_ids)}
    return {party: priority.weights_of(settings.get(party)) for party in party_ids}


def _filtered(request: HttpRequest, cases: QuerySet[Case], form: FilterForm) -> QuerySet[Case]:
    if not form.is_valid():
        return cases.filter(is_open=True)
    data = form.cleaned_data
    cases = cases.filter(status=data["status"]) if data["status"] else cases.filter(is_open=True)
    if data["werkbak"]:
        cases = cases.filter(tray_id=data["werkbak"])
    if data["sector"]:
        cases = cases.filter(**{SECTOR_FIELDS[data["sector"]]: True})
    if data["postcode"]:
        cases = cases.filter(postcode__startswith=data["postcode"])
    if data["behandelaar"] == "mij":
        cases = cases.filter(handler_id=request.user.pk)
    elif data["behandelaar"] == "niemand":
        cases = cases.filter(handler__isnull=True)
    today = timezone.localdate()
    if data["termijn"] == "verlopen":
        cases = cases.filter(due_on__lt=today)
    elif data["termijn"] == "binnenkort":
        cases = cases.filter(due_on__gte=today, due_on__lte=add_working_days(today, 3))
    return cases


@login_required
def work(request: HttpRequest) -> HttpResponse:
    """The work trays: open cases in the trays, by deadline, then priority (R18, R19)."""
    organisation = _organisation(request)
    now = timezone.now()
    visible = _visible(organisation)
    entered = visible.filter(enters_at__lte=now)
    form = FilterForm(request.GET or None, statuses=CaseStatus.choices)
    cases = _filtered(request, entered, form).select_related("tray", "handler").order_by(*TRAY_ORDER)
    if request.GET.get("formaat") == "csv":
        return _export(request, organisation, cases)
    counts = dict(entered.filter(is_open=True).values_list("tray").annotate(n=Count("pk")).values_list("tray", "n"))
    trays = [
        (tray, counts.get(tray.pk, 0))
        for tray in Tray.objects.filter(Q(pk__in=[pk for pk in counts if pk]) | Q(municipal_party=organisation))
        .select_related("municipal_party")
        .order_by("municipal_party_id", "position", "pk")
    ]
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)
    weights = _weights({case.municipal_party_id for case in rows})
    context = {
        "organisation": organisation,
        "form": form,
        "page": page,
        "rows": [(case, priority.breakdown(case, weights[case.municipal_party_id])) for case in rows],
        "trays": trays,
        "tray": form.cleaned_data.get("werkbak") if form.is_valid() else None,
        "query": query_without_page(request),
        "today": timezone.localdate(),
        "waiting": visible.filter(is_open=True).filter(Q(enters_at__gt=now) | Q(enters_at__isnull=True)).count(),
        "mismatches": visible.filter(is_open=True, brp_status=BrpStatus.MISMATCH).count(),
        "overdue": entered.filter(is_open=True, due_on__lt=timezone.localdate()).count(),
    }
    return render(request, "cases/work.html", context)


def _export(request: HttpRequest, organisation: Organisation, cases: QuerySet[Case]) -> HttpResponse:
    """The tray as CSV for the municipality's own team: no BSN in it."""
    rows = []
    for case in cases.prefetch_related("persons"):
        names = ", ".join(person.name for person in case.persons.all())
        rows.append(
            [
                case.pk,
                names,
                f"{case.street} {case.house_number} {case.house_number_addition}".strip(),
                case.postcode,
                case.city,
                case.tray.name if case.tray else "",
                case.tray.get_approach_display() if case.tray else "",
                case.get_status_display(),
                case.due_on.strftime("%d-%m-%Y") if case.due_on else "",
                case.score,
                case.signal_count,
                case.sector_count,
                case.handler.full_name if case.handler else "",
            ]
        )
    record(action="cases.exported", actor=request.user, organisation=organisation, details={"cases": len(rows)})
    header = [
        _("zaaknummer"),
        _("personen"),
        _("adres"),
        _("postcode"),
        _("woonplaats"),
        _("werkbak"),
        _("aanpak"),
        _("status"),
        _("uiterlijk"),
        _("prioriteit"),
        _("signalen"),
        _("sectoren"),
        _("behandelaar"),
    ]
    return csv_response(f"werkbak-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


def _handlers(organisation: Organisation) -> list[tuple[int, str]]:
    people = Membership.objects.filter(organisation=organisation, is_handler=True, user__is_active=True)
    return [(m.user_id, m.user.full_name) for m in people.select_related("user").order_by("user__full_name")]


def _log(request: HttpRequest, organisation: Organisation, case: Case, what: str, person: Any = None) -> None:
    """§4: who opened which case (or person), when."""
    user: Any = request.user
    CaseAccess.objects.create(case=case, user=user, organisation=organisation, what=what, person=person)


def _render_case(request: HttpRequest, organisation: Organisation, case: Case, **forms: Any) -> HttpResponse:
    weights = _weights({case.municipal_party_id})[case.municipal_party_id]
    links = case.links.select_related("signal", "signal__partner", "person").order_by("signal__received_at", "pk")
    earlier = (
        Case.objects.filter(
            municipal_party_id=case.municipal_party_id,
            postcode=case.postcode,
            house_number=case.house_number,
            addition_key=case.addition_key,
            is_open=False,
            closed_at__gte=case.opened_at - timedelta(days=183),
        )
        .exclude(pk=case.pk)
        .order_by("-closed_at")
    )
    events = [(event, EVENT_LABELS.get(event.event, event.event)) for event in case.events.select_related("actor")]
    context = {
        "organisation": organisation,
        "case": case,
        "lines": priority.breakdown(case, weights),
        "persons": case.persons.all(),
        "links": links,
        "attempts": case.attempts.select_related("recorded_by"),
        "notes": case.notes.select_related("written_by"),
        "events": events,
        "earlier": earlier,
        "attempt_form": forms.get("attempt_form") or AttemptForm(),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "assign_form": AssignForm(handlers=_handlers(organisation), initial={"handler": request.user.pk}),
        "error": forms.get("error"),
        "open": case.is_open,
    }
    return render(request, "cases/case.html", context, status=422 if forms.get("error") else 200)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, case = _case(request, pk)
    _log(request, organisation, case, "case")
    return _render_case(request, organisation, case)


@login_required
def person(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """One person of the case, with the BSN once the BRP check found it (access logged)."""
    organisation, case = _case(request, pk)
    found = case.persons.filter(pk=person_pk).first()
    if found is None:
        raise Http404
    _log(request, organisation, case, "person", found)
    return render(request, "cases/person.html", {"case": case, "person": found})


def _done(request: HttpRequest, case: Case, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("cases:case", pk=case.pk)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, case = _case(request, pk)
    handlers = dict(_handlers(organisation))
    form = AssignForm(request.POST, handlers=list(handlers.items()))
    if not form.is_valid() or int(form.cleaned_data["handler"]) not in handlers:
        return _render_case(request, organisation, case, error=_("Kies een behandelaar van uw eigen organisatie."))
    handler = Membership.objects.select_related("user").get(user_id=int(form.cleaned_data["handler"])).user
    services.assign(case_id=case.pk, handler=handler, actor=request.user)
    return _done(request, case, _("De zaak is toegewezen aan %(name)s.") % {"name": handler.full_name})


@login_required
@require_POST
def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, case = _case(request, pk)
    form = AttemptForm(request.POST)
    if not form.is_valid():
        return _render_case(request, organisation, case, attempt_form=form, error=_("Controleer de contactpoging."))
    try:
        services.record_attempt(case_id=case.pk, actor=request.user, **form.cleaned_data)
    except CaseError as error:
        return _render_case(request, organisation, case, attempt_form=form, error=str(error))
    return _done(request, case, _("De contactpoging is vastgelegd."))


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, case = _case(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render_case(request, organisation, case, note_form=form, error=_("De notitie is leeg of te lang."))
    try:
        services.add_note(case_id=case.pk, actor=request.user, text=form.cleaned_data["text"])
    except CaseError as error:
        return _render_case(request, organisation, case, note_form=form, error=str(error))
    return _done(request, case, _("De notitie is opgeslagen."))


def _simple(request: HttpRequest, pk: int, step: Any, message: str) -> HttpResponse:
    organisation, case = _case(request, pk)
    try:
        step(case_id=case.pk, actor=request.user)
    except CaseError as error:
        return _render_case(request, organisation, case, error=str(error))
    return _done(request, case, message)


@login_required
@require_POST
def threatening(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple(
        request,
        pk,
        services.mark_threatening,
        _("Gemarkeerd als bedreigende situatie: bied binnen 3 werkdagen hulp aan."),
    )


@login_required
@require_POST
def accept_help(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple(
        request, pk, services.accept_help, _("Hulp geaccepteerd. Het plan van aanpak moet er binnen 8 weken zijn.")
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, case = _case(request, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _render_case(request, organisation, case, outcome_form=form, error=_("Kies een resultaat."))
    try:
        services.close(case_id=case.pk, actor=request.user, outcome=form.cleaned_data["outcome"])
    except CaseError as error:
        return _render_case(request, organisation, case, outcome_form=form, error=str(error))
    return _done(request, case, _("De zaak is afgesloten."))


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, case = _case(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_case(
            request, organisation, case, reopen_form=form, error=_("Schrijf op waarom u de zaak heropent.")
        )
    try:
        services.reopen(case_id=case.pk, actor=request.user, reason=form.cleaned_data["reason"])
    except CaseError as error:
        return _render_case(request, organisation, case, reopen_form=form, error=str(error))
    return _done(request, case, _("De zaak is heropend; kies het juiste resultaat."))


@login_required
def mismatches(request: HttpRequest) -> HttpResponse:
    """R17: the cases whose BRP check found no single person: a handler picks the person or
    confirms that the signalled person does not live here."""
    organisation = _organisation(request)
    cases = (
        _visible(organisation)
        .filter(is_open=True, brp_status__in=[BrpStatus.MISMATCH, BrpStatus.NOT_RESIDENT])
        .order_by(*TRAY_ORDER)
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "cases/mismatches.html",
        {"page": page, "query": query_without_page(request), "organisation": organisation},
    )
