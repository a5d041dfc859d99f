"""The access log (§4) and the letter of a case (R19).

The access log: the municipal party's contact sees who opened which of its cases when; the
helpdesk sees every row, but only the log (who, organisation, when, case number, what), never a
case's contents. The letter: a handler who may open the case sees it and downloads it as a PDF."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lcv.accounts.policy import Action, can, membership_of, require
from lcv.cases import letters, selectors, settings_services
from lcv.cases.forms_settings import AccessLogFilter
from lcv.cases.models import Case, CaseAccess

PAGE_SIZE = 50
# what was seen, in words (CaseAccess.what)
WHAT = {
    "case": _("Zaak geopend"),
    "person": _("Persoon bekeken"),
    "letter": _("Brief gemaakt of bekeken"),
    "export": _("Werkbak geëxporteerd"),
}


def _filtered(rows: QuerySet[CaseAccess], data: dict[str, Any]) -> QuerySet[CaseAccess]:
    person = (data.get("persoon") or "").strip()
    if person:
        rows = rows.filter(Q(user__full_name__icontains=person) | Q(user__email__icontains=person))
    party = (data.get("organisatie") or "").strip()
    if party:
        rows = rows.filter(case__municipal_party__name__icontains=party)
    zone = timezone.get_current_timezone()
    if data.get("van"):
        rows = rows.filter(at__gte=datetime.combine(data["van"], time.min, tzinfo=zone))
    if data.get("tot"):
        rows = rows.filter(at__lt=datetime.combine(data["tot"] + timedelta(days=1), time.min, tzinfo=zone))
    return rows


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """§4: the helpdesk (platform work) sees all rows; a municipal party's contact its own cases'."""
    helpdesk = can(request.user, Action.VIEW_AUDIT_LOG)
    if helpdesk:
        rows = selectors.access_log(None)
    else:
        membership = membership_of(request.user)
        if membership is None:
            raise Http404
        party = membership.organisation
        require(request.user, Action.MANAGE_CASE_SETTINGS, party)
        if not settings_services.is_municipal_party(party):
            raise PermissionDenied
        rows = selectors.access_log(party)
    form = AccessLogFilter(request.GET or None, helpdesk=helpdesk)
    rows = _filtered(rows, form.cleaned_data if form.is_valid() else {})
    rows = rows.select_related("case__municipal_party")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    lines = [(row, WHAT.get(row.what, row.what)) for row in page.object_list]
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {"page": page, "lines": lines, "form": form, "helpdesk": helpdesk, "query": query.urlencode()}
    return render(request, "cases/settings/access_log.html", context)


def _letter_case(request: HttpRequest, pk: int) -> tuple[Case, Any]:
    case = get_object_or_404(Case.objects.select_related("municipal_party"), pk=pk)
    require(request.user, Action.HANDLE_CASES, case)
    membership = membership_of(request.user)
    assert membership is not None  # require() let the user through
    return case, membership.organisation


@never_cache  # the preview and the PDF hold personal data
@login_required
@require_http_methods(["GET", "POST"])
def case_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """R19: GET shows the letter as it will be sent, POST gives the PDF (both are logged, §4)."""
    case, organisation = _letter_case(request, pk)
    if request.method == "POST":
        letter, pdf = letters.make_letter(case=case, actor=request.user, organisation=organisation)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{letter.file_name}"'
        return response
    letter = letters.compose(case, request.user)
    letters.log_view(case=case, actor=request.user, organisation=organisation)
    return render(request, "cases/settings/letter_preview.html", {"case": case, "letter": letter})
