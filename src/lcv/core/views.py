from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from lcv.accounts.policy import Action, can, membership_of


def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    return redirect("accounts:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One start page; which blocks it shows depends on the person's roles."""
    membership = membership_of(request.user)
    if membership is None or not can(request.user, Action.VIEW_HOME):
        return render(request, "core/no_membership.html", status=403)
    roles = {role.value for role in membership.roles}
    return render(
        request,
        "core/home.html",
        {"membership": membership, "organisation": membership.organisation, "roles": roles},
    )


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
