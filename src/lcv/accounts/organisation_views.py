"""The pages of organisations (detail, change requests). They live in accounts because access to
them is decided by its policy: organisations knows no accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lcv.accounts.changes import execute_change
from lcv.accounts.policy import Action, can, require
from lcv.core.paging import query_without_page
from lcv.organisations import selectors, services
from lcv.organisations.forms import ChangeRequestForm
from lcv.organisations.models import ChangeRequest, ChangeStatus, Organisation


def _organisation(pk: int) -> Organisation:
    try:
        return selectors.organisation_with_municipalities(pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(pk)
    require(request.user, Action.VIEW_ORGANISATION, organisation)
    context = {
        "organisation": organisation,
        "members": selectors.members_of(organisation),
        "may_request_change": can(request.user, Action.REQUEST_CHANGE, organisation),
        "change_requests": selectors.pending_change_requests(organisation),
    }
    return render(request, "organisations/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def change_request_new(request: HttpRequest, pk: int) -> HttpResponse:
    """FAQ 15: the contact person asks the helpdesk to replace the contact person or the signatory."""
    organisation = _organisation(pk)
    require(request.user, Action.REQUEST_CHANGE, organisation)
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_change(
                organisation=organisation,
                kind=form.cleaned_data["kind"],
                new_name=form.cleaned_data["new_name"],
                new_email=form.cleaned_data["new_email"],
                new_phone=form.cleaned_data["new_phone"],
                new_job_title=form.cleaned_data["new_job_title"],
                note=form.cleaned_data["note"],
                requested_by=request.user,
            )
        except services.ChangeRequestError as error:
            form.add_error("kind", str(error))
        else:
            messages.success(
                request, _("Uw verzoek is naar de helpdesk gestuurd. U ziet het hieronder tot het is uitgevoerd.")
            )
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/change_request_form.html", {"organisation": organisation, "form": form})


@login_required
def change_request_queue(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_CHANGE_REQUESTS)
    status = request.GET.get("status", ChangeStatus.PENDING)
    rows = selectors.change_requests(status=status)
    page = Paginator(rows, 25).get_page(request.GET.get("pagina"))
    context = {"page": page, "status": status, "statuses": ChangeStatus.choices, "query": query_without_page(request)}
    return render(request, "organisations/change_request_queue.html", context)


@login_required
@require_POST
def change_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MANAGE_CHANGE_REQUESTS)
    get_object_or_404(ChangeRequest, pk=pk)
    try:
        if request.POST.get("besluit") == "uitvoeren":
            execute_change(change_id=pk, actor=request.user)
            messages.success(request, _("Uitgevoerd: de nieuwe persoon heeft de rol; de vorige niet meer."))
        elif request.POST.get("besluit") == "afwijzen":
            reason = request.POST.get("reden", "").strip()
            if not reason:
                raise services.ChangeRequestError(_("Geef een reden op om het verzoek af te wijzen."))
            services.reject_change(change_id=pk, reason=reason, actor=request.user)
            messages.success(request, _("Het verzoek is afgewezen."))
        else:
            raise services.ChangeRequestError(_("Kies uitvoeren of afwijzen."))
    except services.ChangeRequestError as error:
        messages.error(request, str(error))
    return redirect("organisations:change_requests")
