"""The portal side of signal intake: partners upload files or enter one signal and follow their
deliveries; municipalities upload their CAK file (FAQ 29). Nobody sees another organisation's."""

from __future__ import annotations

import io
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lcv.accounts.policy import Action, membership_of, require
from lcv.audit.services import record
from lcv.core.paging import query_without_page
from lcv.core.security import body_limit
from lcv.core.spreadsheet import csv_response
from lcv.organisations.models import MUNICIPAL_KINDS, Organisation, OrganisationKind, SignalSystem
from lcv.signals import intake
from lcv.signals.columns import CAK_COLUMNS, COLUMNS, example_row
from lcv.signals.forms import SignalForm
from lcv.signals.models import Delivery, DeliveryStatus, RowError, Signal
from lcv.signals.processing import process_delivery

RUNNING = (DeliveryStatus.RECEIVED, DeliveryStatus.PROCESSING)


def _organisation(request: HttpRequest) -> Organisation:
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    organisation = membership.organisation
    require(request.user, Action.DELIVER_SIGNALS, organisation)
    return organisation


def _is_partner(organisation: Organisation) -> bool:
    return organisation.kind == OrganisationKind.SIGNAL_PARTNER


@login_required
def deliveries(request: HttpRequest) -> HttpResponse:
    """The organisation's deliveries with status and counts; the upload form (partners: signals,
    municipalities: the CAK file)."""
    organisation = _organisation(request)
    if not (_is_partner(organisation) or organisation.kind in MUNICIPAL_KINDS):
        raise Http404
    rows = Delivery.objects.filter(organisation=organisation).defer("content")
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    context = {
        "organisation": organisation,
        "is_partner": _is_partner(organisation),
        # a municipal party that exchanges signals elsewhere uploads no CAK file here (R13)
        "elsewhere": (
            intake.cak_elsewhere(organisation)
            if organisation.kind in MUNICIPAL_KINDS and organisation.signal_system != SignalSystem.PLATFORM
            else ""
        ),
        "page": Paginator(rows, 25).get_page(request.GET.get("pagina")),
        "query": query_without_page(request),
        "statuses": DeliveryStatus.choices,
        "status": status,
        "columns": COLUMNS if _is_partner(organisation) else CAK_COLUMNS,
    }
    return render(request, "signals/deliveries.html", context)


@body_limit(intake.MAX_UPLOAD_BYTES)
@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    cak = organisation.kind in MUNICIPAL_KINDS
    if not (cak or _is_partner(organisation)):
        raise Http404
    upload = request.FILES.get("bestand")
    if upload is None:
        messages.error(request, _("Kies eerst het bestand dat u wilt aanleveren."))
        return redirect("signals:deliveries")
    if upload.size and upload.size > intake.MAX_UPLOAD_BYTES:
        messages.error(request, _("Het bestand is groter dan 50 MB. Splits het in kleinere bestanden."))
        return redirect("signals:deliveries")
    try:
        received = intake.receive_file(
            organisation=organisation,
            actor=request.user,
            file_name=upload.name or "bestand",
            content=upload.read(),
            cak=cak,
        )
    except intake.IntakeError as error:
        messages.error(request, str(error))
        return redirect("signals:deliveries")
    if received.is_new:
        messages.success(request, _("Het bestand is ontvangen en wordt verwerkt. Hieronder ziet u de voortgang."))
    else:
        messages.info(
            request,
            _("Dit bestand is al eerder aangeleverd, op %(date)s. Het is niet opnieuw verwerkt; dit is de uitkomst.")
            % {"date": timezone.localtime(received.delivery.received_at).strftime("%d-%m-%Y %H:%M")},
        )
    return redirect("signals:delivery", pk=received.delivery.pk)


def _own_delivery(request: HttpRequest, pk: int) -> Delivery:
    delivery = get_object_or_404(Delivery.objects.defer("content").select_related("organisation"), pk=pk)
    require(request.user, Action.DELIVER_SIGNALS, delivery)
    return delivery


MAX_REPEATS_SHOWN = 200


@login_required
def delivery(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _own_delivery(request, pk)
    errors = RowError.objects.filter(delivery=delivery, repeat=False)
    repeats = list(RowError.objects.filter(delivery=delivery, repeat=True)[:MAX_REPEATS_SHOWN])
    flags = {}
    if delivery.flagged and delivery.status == DeliveryStatus.DONE:
        flags = Signal.objects.filter(delivery=delivery).aggregate(
            outside=Count("id", filter=Q(outside_delivery_moment=True)),
            without_earlier=Count("id", filter=Q(without_earlier_signal=True)),
            beyond_window=Count("id", filter=Q(beyond_window=True)),
        )
    context = {
        "delivery": delivery,
        "running": delivery.status in RUNNING,
        "flags": flags,
        "repeats": repeats,
        "page": Paginator(errors, 100).get_page(request.GET.get("pagina")),
        "query": query_without_page(request),
    }
    # the refused rows hold personal data: who saw which delivery, and when, is audited
    record(action="signals.delivery_viewed", actor=request.user, organisation=delivery.organisation, obj=delivery)
    return render(request, "signals/delivery.html", context)


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the delivery page polls (htmx) while processing runs."""
    delivery = _own_delivery(request, pk)
    response = render(request, "signals/_progress.html", {"delivery": delivery, "running": delivery.status in RUNNING})
    if delivery.status not in RUNNING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # show the outcome with the row errors
    return response


@login_required
def error_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Every refused row with its field and Dutch reason, for Excel (formulas neutralised)."""
    delivery = _own_delivery(request, pk)
    record(
        action="signals.error_report_downloaded", actor=request.user, organisation=delivery.organisation, obj=delivery
    )
    rows = RowError.objects.filter(delivery=delivery, repeat=False).values_list(
        "row_number", "customer_number", "field", "message"
    )
    return csv_response(
        f"aanlevering-{delivery.pk}-fouten.csv", ["rij", "klantnummer", "veld", "melding"], rows.iterator()
    )


@login_required
def template_file(request: HttpRequest, file_format: str) -> HttpResponse:
    """The template: the Dutch headers and one example row that fits the partner's sector; for a
    municipality, the CAK template (FAQ 29): only the columns a CAK list holds."""
    organisation = _organisation(request)
    cak = organisation.kind in MUNICIPAL_KINDS
    values = example_row(organisation.sector, cak=cak)
    names = list(values)
    example = list(values.values())
    base = "lcv-cak-sjabloon" if cak else "lcv-signalen-sjabloon"
    if file_format == "csv":
        return csv_response(f"{base}.csv", names, [example])
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "cak" if cak else "signalen"
    sheet.append(names)
    sheet.append(example)
    for cells in sheet.iter_cols(min_row=2, max_row=2):
        for cell in cells:
            cell.number_format = "@"  # text: keeps 0612..., 01-01-2026 and postcodes as typed
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{base}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def single_signal(request: HttpRequest) -> HttpResponse:
    """One signal at a time (small private landlords): the same processing and rules as a file."""
    organisation = _organisation(request)
    if not _is_partner(organisation):
        raise Http404
    form = SignalForm(request.POST or None, organisation=organisation, initial={"reference": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        try:
            received = intake.receive_form(
                organisation=organisation,
                actor=request.user,
                values=form.raw_values(),
                reference=form.cleaned_data["reference"][:64],
            )
        except intake.IntakeError as error:
            messages.error(request, str(error))
            return render(request, "signals/single_signal.html", {"form": form, "organisation": organisation})
        result = process_delivery(received.delivery.pk)  # one row: judged at once, same rules as a file
        if result.accepted:
            messages.success(request, _("Het signaal is aangenomen en doorgestuurd naar de gemeente."))
        else:
            messages.error(request, _("Het signaal is niet aangenomen. Hieronder staat waarom."))
        return redirect("signals:delivery", pk=received.delivery.pk)
    return render(request, "signals/single_signal.html", {"form": form, "organisation": organisation})


@login_required
def per_municipality(request: HttpRequest) -> HttpResponse:
    """A partner's accepted signals per receiving municipality (counts only)."""
    organisation = _organisation(request)
    if not _is_partner(organisation):
        raise Http404
    rows = (
        Signal.objects.filter(partner=organisation)
        .values("municipal_party__name")
        .annotate(
            total=Count("id"),
            marked=Count(
                "id",
                filter=Q(outside_delivery_moment=True) | Q(without_earlier_signal=True) | Q(beyond_window=True),
            ),
            last=Max("received_at"),
        )
        .order_by("municipal_party__name")
    )
    if request.GET.get("formaat") == "csv":
        return csv_response(
            "signalen-per-gemeente.csv",
            ["gemeente", "signalen", "gemarkeerd", "laatst ontvangen"],
            ([r["municipal_party__name"], r["total"], r["marked"], f"{r['last']:%d-%m-%Y}"] for r in rows),
        )
    page = Paginator(list(rows), 100).get_page(request.GET.get("pagina"))
    return render(
        request,
        "signals/per_municipality.html",
        {"page": page, "query": query_without_page(request), "organisation": organisation},
    )
