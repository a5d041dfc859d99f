"""The municipal party's page for its list of residents known at its debt-help service (R17):
what the current list is (date, uploader, count — never a BSN), the upload, and the history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from lcv.accounts.policy import Action, membership_of, require
from lcv.core.paging import query_without_page
from lcv.core.security import body_limit
from lcv.debthelp import selectors, services
from lcv.debthelp.reading import MAX_BYTES, MAX_LINES
from lcv.organisations.models import MUNICIPAL_KINDS, Organisation


def _party(request: HttpRequest) -> Organisation:
    """The person's own municipal party; every other kind of organisation has no such list."""
    membership = membership_of(request.user)
    if membership is None or membership.organisation.kind not in MUNICIPAL_KINDS:
        raise Http404
    require(request.user, Action.MANAGE_DEBT_HELP_LIST, membership.organisation)
    return membership.organisation


def _render(request: HttpRequest, party: Organisation, result: services.Result | None = None) -> HttpResponse:
    current = selectors.current_list(party)
    context = {
        "organisation": party,
        "current": current,
        "key_changed": current is not None and selectors.key_changed(current),
        "result": result,
        "page": Paginator(selectors.upload_history(party), 25).get_page(request.GET.get("pagina")),
        "query": query_without_page(request),
        "max_megabytes": MAX_BYTES // (1024 * 1024),
        "max_lines": MAX_LINES,
    }
    return render(request, "debthelp/debt_help.html", context, status=200 if result is None else 400)


@body_limit(MAX_BYTES)
@login_required
@require_http_methods(["GET", "POST"])
def debt_help(request: HttpRequest) -> HttpResponse:
    party = _party(request)
    if request.method == "GET":
        return _render(request, party)
    upload = request.FILES.get("bestand")
    if upload is None:
        messages.error(request, _("Kies eerst het bestand met burgerservicenummers."))
        return redirect("debthelp:index")
    # at most one byte more than allowed is read: the service refuses a bigger file as too big
    result = services.replace_list(
        party=party, actor=request.user, content=upload.read(MAX_BYTES + 1), file_name=upload.name or ""
    )
    if not result.accepted:
        return _render(request, party, result)
    assert result.debt_help_list is not None
    count = result.debt_help_list.count
    messages.success(
        request,
        ngettext(
            "De lijst is vervangen: %(count)d inwoner is nu bekend bij schuldhulpverlening.",
            "De lijst is vervangen: %(count)d inwoners zijn nu bekend bij schuldhulpverlening.",
            count,
        )
        % {"count": count},
    )
    return redirect("debthelp:index")
