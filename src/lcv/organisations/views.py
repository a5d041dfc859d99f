from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lcv.accounts.policy import Action, require
from lcv.organisations import selectors
from lcv.organisations.models import Organisation


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        organisation = selectors.organisation_with_municipalities(pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    require(request.user, Action.VIEW_ORGANISATION, organisation)
    members = selectors.members_of(organisation)
    return render(request, "organisations/detail.html", {"organisation": organisation, "members": members})
