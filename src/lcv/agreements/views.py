from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lcv.accounts.policy import Action, can, membership_of, require
from lcv.agreements import selectors, services
from lcv.agreements.models import Agreement, AgreementStatus
from lcv.organisations.models import Organisation, OrganisationKind, Sector

MUNICIPAL_KINDS = (OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_ARRANGEMENT)


def _own_organisation(request: HttpRequest) -> Organisation:
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    return membership.organisation


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    """R3: all agreements of the organisation with filters; the municipality's contact selects any
    number of drafts and releases them in one action."""
    organisation = _own_organisation(request)
    require(request.user, Action.LIST_AGREEMENTS, organisation)
    filters = {
        "status": request.GET.get("status", ""),
        "sector": request.GET.get("sector", ""),
        "search": request.GET.get("zoek", "").strip(),
    }
    rows = selectors.agreements_of(organisation, **filters)
    page = Paginator(rows, 100).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {
        "organisation": organisation,
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "statuses": AgreementStatus.choices,
        "sectors": Sector.choices,
        "may_release": organisation.kind in MUNICIPAL_KINDS
        and can(request.user, Action.RELEASE_AGREEMENTS, organisation),
        "is_partner": organisation.kind == OrganisationKind.SIGNAL_PARTNER,
    }
    return render(request, "agreements/list.html", context)


@login_required
@require_POST
def release(request: HttpRequest) -> HttpResponse:
    organisation = _own_organisation(request)
    require(request.user, Action.RELEASE_AGREEMENTS, organisation)
    ids = [int(value) for value in request.POST.getlist("overeenkomst") if value.isdigit()]
    try:
        count = services.release_agreements(agreement_ids=ids, municipal_party=organisation, actor=request.user)
    except services.AgreementError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(count)d overeenkomst(en) vrijgegeven. De tekenbevoegden krijgen maandag een e-mail.")
            % {"count": count},
        )
    back = request.POST.get("terug", "")
    return redirect(back if back.startswith("/overeenkomsten/") else "agreements:list")


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(
        Agreement.objects.select_related("municipal_party", "partner", "executor", "template"), pk=pk
    )
    require(request.user, Action.VIEW_AGREEMENT, agreement)
    context = {
        "agreement": agreement,
        "history": agreement.history.select_related("actor"),
        "signatures": agreement.signatures.select_related("organisation", "signer"),
    }
    return render(request, "agreements/detail.html", context)


@login_required
def to_sign(request: HttpRequest) -> HttpResponse:
    """R4: the same list as the Monday e-mail, at any time."""
    organisation = _own_organisation(request)
    require(request.user, Action.LIST_AGREEMENTS, organisation)
    rows = selectors.to_sign_by(organisation)
    page = Paginator(rows, 100).get_page(request.GET.get("pagina"))
    return render(request, "agreements/to_sign.html", {"organisation": organisation, "page": page})
