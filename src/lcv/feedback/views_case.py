"""What the partners of one case were told about their signals (R20), for the municipality.

The same rule as the case page decides who may look (lcv.cases.selectors: the municipal party, a
joint arrangement for its members, an executor under a running mandate): a case outside it is "not
found". Opening it is logged like opening the case (§4)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lcv.accounts.policy import Action, membership_of, require
from lcv.cases import selectors
from lcv.cases.models import CaseAccess, CaseSignal
from lcv.feedback.models import FeedbackMessage
from lcv.organisations.models import OrganisationKind

CASE_KINDS = (OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_ARRANGEMENT, OrganisationKind.EXECUTOR)


@login_required
def case_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    organisation = membership.organisation
    require(request.user, Action.HANDLE_CASES, organisation)
    if organisation.kind not in CASE_KINDS:
        raise PermissionDenied  # signal partners and the platform handle no cases (§4)
    case = selectors.visible_cases(organisation).filter(pk=pk).first()
    if case is None:
        raise Http404
    require(request.user, Action.HANDLE_CASES, case)
    user: Any = request.user
    CaseAccess.objects.create(case=case, user=user, organisation=organisation, what="feedback")
    signals = CaseSignal.objects.filter(case=case).values("signal_id")
    messages = (
        FeedbackMessage.objects.filter(Q(case=case) | Q(signal_id__in=signals))
        .select_related("partner", "signal", "corrects")
        .only(
            "event",
            "reported",
            "reason",
            "pause_until",
            "created_at",
            "partner__name",
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
    return render(request, "feedback/case.html", {"case": case, "rows": messages})
