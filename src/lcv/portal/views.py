"""The start page: one page that shows, per role, blocks from every domain app."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lcv.accounts.policy import Action, can, membership_of
from lcv.agreements.selectors import agreement_counts, to_sign_by
from lcv.cases.selectors import work_summary
from lcv.debthelp.selectors import current_list
from lcv.notifications.models import Notice
from lcv.organisations.models import MUNICIPAL_KINDS, ChangeRequest, ChangeStatus
from lcv.organisations.selectors import arrangements_of, cosigned_for
from lcv.registrations.models import Registration, RegistrationStatus
from lcv.signals.selectors import received_signal_count, recent_deliveries


def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:home")
    return redirect("accounts:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One start page; which blocks it shows depends on the person's roles."""
    membership = membership_of(request.user)
    if membership is None or not can(request.user, Action.VIEW_HOME):
        return render(request, "portal/no_membership.html", status=403)
    roles = {role.value for role in membership.roles}
    context: dict[str, object] = {"membership": membership, "organisation": membership.organisation, "roles": roles}
    if "contact" in roles:
        context["notices"] = Notice.objects.filter(recipient=membership.organisation)[:10]
        context["agreement_counts"] = agreement_counts(membership.organisation)
        # the text when there are none depends on the kind and situation (issue 10): a member of a
        # joint arrangement gets none of its own, an executor co-signs only where it was named
        context["arrangements"] = list(arrangements_of(membership.organisation).values_list("name", flat=True))
        if membership.organisation.kind == "executor":
            context["cosigned_for"] = list(cosigned_for(membership.organisation).values_list("name", flat=True))
    if "signatory" in roles:
        context["to_sign"] = to_sign_by(membership.organisation).count()
    if "deliverer" in roles:
        context["recent_deliveries"] = list(recent_deliveries(membership.organisation))
    if "handler" in roles:
        context["received_signals"] = received_signal_count(membership.organisation)
        context["work"] = work_summary(membership.organisation)
    if membership.organisation.kind in MUNICIPAL_KINDS and can(
        request.user, Action.MANAGE_DEBT_HELP_LIST, membership.organisation
    ):
        context["debt_help"] = {"current": current_list(membership.organisation)}
    if can(request.user, Action.MANAGE_REGISTRATIONS):
        context["pending_registrations"] = Registration.objects.filter(status=RegistrationStatus.PENDING).count()
        context["pending_changes"] = ChangeRequest.objects.filter(status=ChangeStatus.PENDING).count()
    return render(request, "portal/home.html", context)
