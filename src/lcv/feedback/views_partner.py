"""The partner's feedback screens (R20, R21): what the municipalities reported about its signals.

A signal partner's deliverer and contact see their own organisation's feedback only: every query
starts from `partner=<own organisation>`, and a delivery of another organisation is "not found".
Only the partner's own data is shown (its delivery, row and customer number) with the whitelist's
words; never the case, a name or an address.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from lcv.accounts.policy import Action, membership_of, require
from lcv.audit.services import record
from lcv.core.paging import query_without_page
from lcv.feedback import exports, filters
from lcv.feedback.models import FeedbackMessage, SignalFeedback
from lcv.organisations.models import Organisation, OrganisationKind
from lcv.signals.models import Delivery

PAGE_SIZE = 25
MESSAGES_PAGE_SIZE = 50
FORMATS = ("csv", "xlsx")


def _partner(request: HttpRequest) -> Organisation:
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    require(request.user, Action.VIEW_FEEDBACK, membership.organisation)
    if membership.organisation.kind != OrganisationKind.SIGNAL_PARTNER:
        raise PermissionDenied  # feedback goes to signal partners only (R20)
    return membership.organisation


def _municipalities(rows: QuerySet[SignalFeedback]) -> list[Organisation]:
    ids = rows.order_by().values_list("municipal_party_id", flat=True).distinct()
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def _counts(rows: QuerySet[SignalFeedback], form: filters.FeedbackFilter) -> list[tuple[str, str, int]]:
    """Per kind of feedback: (word for the filter, label, count), within the other filters."""
    counted = dict(filters.apply(rows, form, kind=False).order_by().values_list("reported").annotate(n=Count("pk")))
    return [
        (word, filters.KIND_LABELS[value], counted.get(value, 0))
        for word, value in filters.KINDS.items()
        if counted.get(value, 0) or value
    ]


def _listed(rows: QuerySet[SignalFeedback]) -> QuerySet[SignalFeedback]:
    return rows.select_related("signal", "delivery", "municipal_party", "last_message").only(
        "signal__row_number",
        "signal__customer_number",
        "delivery__client_reference",
        "delivery__file_name",
        "delivery__received_at",
        "municipal_party__name",
        "last_message__created_at",
        "partner_id",
        "reported",
        "reason",
        "pause_basis",
        "pause_from",
        "pause_until",
        "pause_ended_at",
    )


@login_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    """All feedback over all deliveries, one row per signal: its current state and pause."""
    partner = _partner(request)
    told = filters.told(partner)
    form = filters.FeedbackFilter(request.GET or None, municipalities=_municipalities(told))
    rows = _listed(filters.apply(told, form)).order_by("-last_message_id")
    file_format = request.GET.get("formaat")
    if file_format in FORMATS:
        return _export(request, partner, rows, file_format)
    today = timezone.localdate()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    delivery = None
    if form.is_valid() and form.cleaned_data["aanlevering"]:
        delivery = Delivery.objects.filter(organisation=partner, pk=form.cleaned_data["aanlevering"]).first()
    context = {
        "form": form,
        "page": page,
        "counts": _counts(told, form),
        "kind": form.cleaned_data.get("soort") if form.is_valid() else "",
        "ending_soon": filters.ending_soon(told).count(),
        "delivery": delivery,
        "query": query_without_page(request),
        "today": today,
        "soon": today + filters.ENDING_SOON,
    }
    return render(request, "feedback/list.html", context)


def _export(
    request: HttpRequest, partner: Organisation, rows: QuerySet[SignalFeedback], file_format: str
) -> HttpResponse:
    listed = list(exports.rows_of(rows))
    record(
        action="feedback.exported",
        actor=request.user,
        organisation=partner,
        details={"rows": len(listed), "format": file_format},
    )
    filename = f"terugkoppeling-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "xlsx":
        return exports.as_xlsx(filename, listed)
    return exports.as_csv(filename, listed)


@login_required
def delivery_messages(request: HttpRequest, pk: int) -> HttpResponse:
    """Every message about one delivery's signals, in the order sent; a correction is shown as the
    correction of the earlier message it points to."""
    partner = _partner(request)
    delivery = get_object_or_404(Delivery.objects.defer("content"), pk=pk)
    require(request.user, Action.VIEW_FEEDBACK, delivery)  # another organisation's delivery: 404
    messages = (
        FeedbackMessage.objects.filter(delivery=delivery, partner=partner)
        .select_related("signal", "corrects")
        .only(
            "event",
            "reported",
            "reason",
            "pause_until",
            "created_at",
            "partner_id",
            "delivery_id",
            "signal__row_number",
            "signal__customer_number",
            "corrects__created_at",
            "corrects__reported",
            "corrects__reason",
            "corrects__event",
            "corrects__pause_until",
        )
        .order_by("id")
    )
    told = filters.told(partner).filter(delivery=delivery)
    context = {
        "delivery": delivery,
        "page": Paginator(messages, MESSAGES_PAGE_SIZE).get_page(request.GET.get("pagina")),
        "query": query_without_page(request),
        "signals": told.count(),
        "running": filters.running_pauses(told).count(),
        "ending_soon": filters.ending_soon(told).count(),
    }
    return render(request, "feedback/delivery.html", context)
