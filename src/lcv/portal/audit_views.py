from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lcv.accounts.policy import Action, require
from lcv.audit.selectors import audit_events
from lcv.core.paging import query_without_page


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_AUDIT_LOG)
    action = request.GET.get("handeling", "").strip()
    events = audit_events(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("pagina"))
    return render(request, "audit/log.html", {"page": page, "action": action, "query": query_without_page(request)})
