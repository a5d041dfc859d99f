"""Helpdesk screens for agreements: all agreements with filters and CSV, withdrawing agreements
that are not yet active, recording a party's departure or a pair's local covenant (FAQ 16-17), and
the art. 3.1 windows per template version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lcv.accounts.policy import Action, require
from lcv.agreements import addenda, executors, local_covenants, services
from lcv.agreements.models import Agreement, AgreementStatus, AgreementTemplate, LocalCovenant
from lcv.core.paging import query_without_page
from lcv.core.spreadsheet import csv_response
from lcv.organisations.models import MUNICIPAL_KINDS, Organisation, OrganisationKind, Sector, SignalSystem

PAGE_SIZE = 100


def _filtered(request: HttpRequest) -> tuple[QuerySet[Agreement], dict[str, str], Organisation | None]:
    filters = {
        "status": request.GET.get("status", ""),
        "sector": request.GET.get("sector", ""),
        "search": request.GET.get("zoek", "").strip(),
        "organisation": request.GET.get("organisatie", ""),
    }
    rows = Agreement.objects.select_related("municipal_party", "partner", "executor").order_by(
        "municipal_party__name", "partner__name", "id"
    )
    if filters["status"] in AgreementStatus.values:
        rows = rows.filter(status=filters["status"])
    if filters["sector"] in Sector.values:
        rows = rows.filter(partner__sector=filters["sector"])
    if filters["search"]:
        rows = rows.filter(
            Q(partner__name__icontains=filters["search"]) | Q(municipal_party__name__icontains=filters["search"])
        )
    organisation = None
    if filters["organisation"].isdigit():
        organisation = Organisation.objects.filter(pk=int(filters["organisation"])).first()
        if organisation is not None:
            rows = rows.filter(Q(municipal_party=organisation) | Q(partner=organisation) | Q(executor=organisation))
    return rows, filters, organisation


@login_required
def agreements(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_AGREEMENTS)
    rows, filters, organisation = _filtered(request)
    if request.GET.get("formaat") == "csv":
        return csv_response(
            "overeenkomsten.csv",
            ["nummer", "gemeente of regeling", "signaalpartner", "sector", "status", "vrijgegeven", "actief sinds"],
            (
                [
                    a.pk,
                    a.municipal_party.name,
                    a.partner.name,
                    a.partner.get_sector_display(),
                    a.get_status_display(),
                    timezone.localtime(a.released_at).strftime("%d-%m-%Y") if a.released_at else "",
                    timezone.localtime(a.activated_at).strftime("%d-%m-%Y") if a.activated_at else "",
                ]
                for a in rows.iterator(chunk_size=2000)
            ),
        )
    unsigned = 0
    if organisation is not None:
        unsigned = rows.filter(status__in=services.UNSIGNED_OPEN).count()
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina")),
        "filters": filters,
        "query": query_without_page(request),
        "statuses": AgreementStatus.choices,
        "sectors": Sector.choices,
        "organisation": organisation,
        "unsigned": unsigned,
        "is_municipal": organisation is not None and organisation.kind in MUNICIPAL_KINDS,
        "signal_systems": SignalSystem.choices,
        "executors": Organisation.objects.filter(kind=OrganisationKind.EXECUTOR, left_at__isnull=True).order_by("name")
        if organisation is not None and organisation.kind in MUNICIPAL_KINDS
        else [],
    }
    return render(request, "agreements/helpdesk/list.html", context)


@login_required
@require_POST
def act(request: HttpRequest) -> HttpResponse:
    """Withdraw the chosen agreements, or record that their pairs keep a local covenant."""
    require(request.user, Action.MANAGE_AGREEMENTS)
    ids = [int(value) for value in request.POST.getlist("overeenkomst") if value.isdigit()]
    action = request.POST.get("actie", "")
    try:
        if action == "intrekken":
            withdrawn = services.withdraw_agreements(
                agreement_ids=ids, actor=request.user, reason=request.POST.get("reden", "")
            )
            messages.success(
                request,
                _("%(count)d overeenkomst(en) ingetrokken; de contactpersonen van de partijen zijn bericht.")
                % {"count": len(withdrawn)},
            )
        elif action == "lokaal_convenant":
            count = services.record_local_covenants(
                agreement_ids=ids, actor=request.user, note=request.POST.get("reden", "")
            )
            messages.success(
                request,
                _("Vastgelegd: %(count)d paar/paren houden hun lokale convenant en krijgen geen LCV-overeenkomst.")
                % {"count": count},
            )
        else:
            messages.error(request, _("Kies wat u met de gekozen overeenkomsten wilt doen."))
    except services.AgreementError as error:
        messages.error(request, str(error))
    back = request.POST.get("terug", "")
    return redirect(back if back.startswith("/beheer/overeenkomsten/") else "agreements_helpdesk:list")


@login_required
@require_POST
def departure(request: HttpRequest, pk: int) -> HttpResponse:
    """A party leaves: no new agreements, its unsigned ones withdrawn."""
    require(request.user, Action.MANAGE_AGREEMENTS)
    organisation = get_object_or_404(Organisation, pk=pk)
    try:
        count = services.record_departure(
            organisation=organisation, actor=request.user, reason=request.POST.get("reden", "")
        )
    except services.AgreementError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Vertrek van %(name)s vastgelegd; %(count)d overeenkomst(en) ingetrokken of beëindigd.")
            % {"name": organisation.name, "count": count},
        )
    return redirect(f"{redirect('agreements_helpdesk:list').url}?organisatie={organisation.pk}")


@login_required
@require_POST
def signal_system(request: HttpRequest, pk: int) -> HttpResponse:
    """A municipal party changes its exchange system (asked of the helpdesk, art. 3.2): stored at
    once; its open agreements get it through an addendum the other parties accept (art. 6.1)."""
    require(request.user, Action.MANAGE_AGREEMENTS)
    organisation = get_object_or_404(Organisation, pk=pk)
    try:
        count = addenda.propose_signal_system_change(
            organisation=organisation, system=request.POST.get("systeem", ""), actor=request.user
        )
    except addenda.AddendumError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "%(name)s werkt nu met %(system)s. %(count)d lopende overeenkomst(en) krijgen een addendum dat de "
                "andere partijen nog moeten aanvaarden; tot dan geldt het systeem uit de overeenkomst."
            )
            % {"name": organisation.name, "system": organisation.get_signal_system_display(), "count": count},
        )
    return redirect(f"{redirect('agreements_helpdesk:list').url}?organisatie={organisation.pk}")


@login_required
@require_POST
def cosigning_executor(request: HttpRequest, pk: int) -> HttpResponse:
    """FAQ 13: link the executor that co-signs a municipal party's agreements (or none)."""
    require(request.user, Action.MANAGE_AGREEMENTS)
    organisation = get_object_or_404(Organisation, pk=pk)
    choice = request.POST.get("uitvoerder", "")
    executor = None
    if choice.isdigit():
        executor = Organisation.objects.filter(pk=int(choice), kind=OrganisationKind.EXECUTOR).first()
    if choice != "geen" and executor is None:
        messages.error(request, _("Kies een uitvoerder uit de lijst, of 'geen uitvoerder'."))
    else:
        try:
            moved = executors.link_executor(party=organisation, executor=executor, actor=request.user)
        except executors.ExecutorError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Vastgelegd. %(count)d concept(en) die nog niemand zag, hebben de nieuwe ondertekenaars.")
                % {"count": moved},
            )
    return redirect(f"{redirect('agreements_helpdesk:list').url}?organisatie={organisation.pk}")


@login_required
def templates(request: HttpRequest) -> HttpResponse:
    """The template versions with their art. 3.1 windows; the current one can be edited."""
    require(request.user, Action.MANAGE_AGREEMENTS)
    versions = AgreementTemplate.objects.annotate(agreement_count=Count("agreement")).order_by("-version")
    labels = dict(Sector.choices)
    rows = [
        {
            "template": version,
            "windows": [
                {"sector": key, "label": labels.get(key, key), **value} for key, value in version.windows.items()
            ],
        }
        for version in versions
    ]
    return render(request, "agreements/helpdesk/templates.html", {"rows": rows})


@login_required
@require_POST
def template_windows(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MANAGE_AGREEMENTS)
    template = get_object_or_404(AgreementTemplate, pk=pk)
    labels = dict(Sector.choices)
    windows: dict[str, dict[str, int | None]] = {}
    try:
        for sector in template.windows:
            low = request.POST.get(f"{sector}-min", "").strip()
            high = request.POST.get(f"{sector}-max", "").strip()
            if not low.isdigit() or (high and not high.isdigit()):
                raise services.AgreementError(
                    f"{labels.get(sector, sector)}: vul het aantal dagen in als heel getal (maximum mag leeg blijven)."
                )
            windows[sector] = {"min_days": int(low), "max_days": int(high) if high else None}
        result = services.update_template_windows(template_id=template.pk, windows=windows, actor=request.user)
    except services.AgreementError as error:
        messages.error(request, str(error))
    else:
        if result.pk == template.pk:
            messages.success(
                request, _("De termijnen van versie %(version)d zijn gewijzigd.") % {"version": result.version}
            )
        else:
            messages.success(
                request,
                _(
                    "Versie %(old)d is al in gebruik en blijft ongewijzigd. De nieuwe termijnen staan in versie "
                    "%(new)d; nieuwe overeenkomsten en nog niet geopende concepten gebruiken die."
                )
                % {"old": template.version, "new": result.version},
            )
    return redirect("agreements_helpdesk:templates")


@login_required
def local_covenants_list(request: HttpRequest) -> HttpResponse:
    """FAQ 16-17: every proposed and recorded local covenant; a recorded one can be undone."""
    require(request.user, Action.MANAGE_AGREEMENTS)
    covenants = LocalCovenant.objects.select_related("municipal_party", "partner", "proposed_by").order_by(
        "-recorded_at", "-id"
    )
    page = Paginator(covenants, 50).get_page(request.GET.get("pagina"))
    return render(
        request,
        "agreements/helpdesk/local_covenants.html",
        {"page": page, "query": query_without_page(request)},
    )


@login_required
@require_POST
def local_covenant_undo(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MANAGE_AGREEMENTS)
    covenant = get_object_or_404(LocalCovenant, pk=pk)
    try:
        local_covenants.undo(covenant_id=covenant.pk, actor=request.user)
    except local_covenants.LocalCovenantError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Ongedaan gemaakt: dit paar krijgt weer een LCV-overeenkomst; beide contactpersonen zijn bericht."),
        )
    return redirect("agreements_helpdesk:local_covenants")
