"""The municipal party's contact's pages for case handling: the matching moment and BRP check
(R17, R18), the priority weights with a preview (R18), the work trays and triage rules, the
mandates of executors (R16) and the letter (R19). Thin: parse, ask the policy, call a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lcv.accounts.policy import Action, membership_of, require
from lcv.cases import letters, mandates, priority, settings_services, tray_services, triage
from lcv.cases.forms_settings import (
    DeleteTrayForm,
    LetterForm,
    MandateForm,
    MatchingForm,
    RuleForm,
    TrayForm,
    WeightsForm,
    as_yes_no,
    yes_no,
)
from lcv.cases.models import CaseSettings, Mandate, Tray, TriageRule
from lcv.organisations.models import Organisation

GET_POST = require_http_methods(["GET", "POST"])


def _data(request: HttpRequest) -> Any:
    """The posted form (bound even when empty, so an empty post shows what is missing)."""
    return request.POST if request.method == "POST" else None


def own_party(request: HttpRequest) -> Organisation:
    """The contact's own municipality or joint arrangement (R16: it stays controller)."""
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    organisation = membership.organisation
    require(request.user, Action.MANAGE_CASE_SETTINGS, organisation)
    if not settings_services.is_municipal_party(organisation):
        raise PermissionDenied
    return organisation


@login_required
@GET_POST
def overview(request: HttpRequest) -> HttpResponse:
    party = own_party(request)
    settings = settings_services.settings_of(party)
    initial = {
        "matching": settings.matching,
        "matching_day": settings.matching_day,
        "brp_check": "aan" if settings.brp_check else "uit",
    }
    form = MatchingForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        settings_services.update_matching(
            party=party,
            actor=request.user,
            matching=form.cleaned_data["matching"],
            matching_day=form.cleaned_data["matching_day"],
            brp_check=form.cleaned_data["brp_check"] == "aan",
        )
        messages.success(request, _("De instellingen zijn opgeslagen."))
        return redirect("case_settings:overview")
    context = {
        "party": party,
        "settings": settings,
        "form": form,
        "direct": settings.matching == CaseSettings.Matching.DIRECT,
        "running_mandates": len(mandates.grouped(party).running),
        "tray_count": Tray.objects.filter(municipal_party=party).count(),
    }
    return render(request, "cases/settings/overview.html", context)


def _formula(weights: dict[str, int]) -> list[dict[str, Any]]:
    return [{"label": t.label, "unit": t.unit, "weight": weights[t.weight]} for t in priority.TERMS]


@login_required
@GET_POST
def weights(request: HttpRequest) -> HttpResponse:
    party = own_party(request)
    current = priority.weights_of(settings_services.settings_of(party))
    form = WeightsForm(_data(request), initial=current)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "voorbeeld" in request.POST:
            preview = settings_services.preview_weights(party, form.weights())
        else:
            count = settings_services.update_weights(party=party, actor=request.user, weights=form.weights())
            messages.success(
                request,
                _("De gewichten zijn opgeslagen. %(count)s open zaken hebben hun nieuwe score.") % {"count": count},
            )
            return redirect("case_settings:weights")
    context = {"party": party, "form": form, "formula": _formula(current), "preview": preview}
    return render(request, "cases/settings/weights.html", context)


@login_required
def trays(request: HttpRequest) -> HttpResponse:
    party = own_party(request)
    triage.ensure_default_trays(party)  # a new municipal party starts with the default trays
    rows = Tray.objects.filter(municipal_party=party).annotate(open_cases=Count("cases", filter=Q(cases__is_open=True)))
    rules = [
        (rule, tray_services.describe(rule))
        for rule in TriageRule.objects.filter(municipal_party=party).select_related("tray").order_by("position", "id")
    ]
    return render(request, "cases/settings/trays.html", {"party": party, "trays": rows, "rules": rules})


def _refused(form: Any, error: ValueError) -> None:
    form.add_error(None, str(error))


@login_required
@GET_POST
def tray_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    party = own_party(request)
    tray = get_object_or_404(Tray, pk=pk, municipal_party=party) if pk is not None else None
    initial = {"name": tray.name, "approach": tray.approach} if tray else {}
    form = TrayForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tray_services.save_tray(party=party, actor=request.user, tray_id=pk, **form.cleaned_data)
        except tray_services.TrayError as error:
            _refused(form, error)
        else:
            messages.success(request, _("De werkbak is opgeslagen en de nieuwe zaken zijn opnieuw ingedeeld."))
            return redirect("case_settings:trays")
    return render(request, "cases/settings/tray_form.html", {"party": party, "tray": tray, "form": form})


@login_required
@GET_POST
def tray_delete(request: HttpRequest, pk: int) -> HttpResponse:
    party = own_party(request)
    tray = get_object_or_404(Tray, pk=pk, municipal_party=party)
    others = list(Tray.objects.filter(municipal_party=party).exclude(pk=pk))
    form = DeleteTrayForm(_data(request), others=others)
    if request.method == "POST" and form.is_valid():
        move_to = form.cleaned_data["move_to"]
        try:
            tray_services.delete_tray(
                party=party, actor=request.user, tray_id=tray.pk, move_to_id=int(move_to) if move_to else None
            )
        except tray_services.TrayError as error:
            _refused(form, error)
        else:
            messages.success(request, _("De werkbak '%(name)s' is verwijderd.") % {"name": tray.name})
            return redirect("case_settings:trays")
    context = {
        "party": party,
        "tray": tray,
        "form": form,
        "case_count": tray.cases.count(),
        "rule_count": tray.rules.count(),
    }
    return render(request, "cases/settings/tray_delete.html", context)


def _rule_initial(rule: TriageRule | None) -> dict[str, Any]:
    if rule is None:
        return {}
    return {
        "tray": str(rule.tray_id),
        "multiple": as_yes_no(rule.multiple),
        "urgent": as_yes_no(rule.urgent),
        "sector": rule.sector,
        "amount_above": rule.amount_above,
        "under_27": as_yes_no(rule.under_27),
        "postcode_from": rule.postcode_from,
        "postcode_to": rule.postcode_to,
    }


def _conditions(data: dict[str, Any]) -> tray_services.RuleConditions:
    return tray_services.RuleConditions(
        multiple=yes_no(data["multiple"]),
        urgent=yes_no(data["urgent"]),
        sector=data["sector"],
        amount_above=data["amount_above"],
        under_27=yes_no(data["under_27"]),
        postcode_from=data["postcode_from"],
        postcode_to=data["postcode_to"],
    )


@login_required
@GET_POST
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    party = own_party(request)
    rule = get_object_or_404(TriageRule, pk=pk, municipal_party=party) if pk is not None else None
    party_trays = triage.ensure_default_trays(party)
    form = RuleForm(_data(request), initial=_rule_initial(rule), trays=party_trays)
    if request.method == "POST" and form.is_valid():
        try:
            tray_services.save_rule(
                party=party,
                actor=request.user,
                tray_id=int(form.cleaned_data["tray"]),
                conditions=_conditions(form.cleaned_data),
                rule_id=pk,
            )
        except tray_services.TrayError as error:
            _refused(form, error)
        else:
            messages.success(request, _("De regel is opgeslagen en de nieuwe zaken zijn opnieuw ingedeeld."))
            return redirect("case_settings:trays")
    return render(request, "cases/settings/rule_form.html", {"party": party, "rule": rule, "form": form})


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    party = own_party(request)
    rule = get_object_or_404(TriageRule, pk=pk, municipal_party=party)
    tray_services.delete_rule(party=party, actor=request.user, rule_id=rule.pk)
    messages.success(request, _("De regel is verwijderd en de nieuwe zaken zijn opnieuw ingedeeld."))
    return redirect("case_settings:trays")


def _move(request: HttpRequest, model: type[Tray] | type[TriageRule], pk: int) -> HttpResponse:
    party = own_party(request)
    get_object_or_404(model, pk=pk, municipal_party=party)
    up = request.POST.get("richting") != "omlaag"
    tray_services.move(party=party, actor=request.user, model=model, pk=pk, up=up)
    return redirect("case_settings:trays")


@login_required
@require_POST
def tray_move(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, Tray, pk)


@login_required
@require_POST
def rule_move(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, TriageRule, pk)


@login_required
@GET_POST
def mandate_list(request: HttpRequest) -> HttpResponse:
    party = own_party(request)
    party_trays = triage.ensure_default_trays(party)
    form = MandateForm(_data(request), trays=party_trays)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mandate = mandates.record_mandate(
                party=party,
                actor=request.user,
                executor_id=data["executor"].pk,
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                tray_ids=[int(pk) for pk in data["trays"]],
                brp_access=data["brp_access"],
            )
        except mandates.MandateError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("Het mandaat voor %(executor)s is vastgelegd.") % {"executor": mandate.executor.name}
            )
            return redirect("case_settings:mandates")
    context = {"party": party, "form": form, "groups": mandates.grouped(party)}
    return render(request, "cases/settings/mandates.html", context)


@login_required
@require_POST
def mandate_end(request: HttpRequest, pk: int) -> HttpResponse:
    party = own_party(request)
    mandate = get_object_or_404(Mandate, pk=pk, municipal_party=party)
    try:
        mandates.end_mandate(party=party, actor=request.user, mandate_id=mandate.pk)
    except mandates.MandateError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Het mandaat voor %(executor)s is beëindigd. De uitvoerder ziet uw zaken niet meer.")
            % {"executor": mandate.executor.name},
        )
    return redirect("case_settings:mandates")


@login_required
@GET_POST
def letter_template(request: HttpRequest) -> HttpResponse:
    party = own_party(request)
    template = letters.template_of(party)
    initial = {"body": template.body, "phone": template.phone, "email": template.email}
    if request.method == "POST" and "voorbeeldtekst" in request.POST:
        form = LetterForm(initial={**request.POST.dict(), "body": letters.DEFAULT_BODY})
    else:
        form = LetterForm(_data(request), initial=initial)
    if request.method == "POST" and "voorbeeldtekst" not in request.POST and form.is_valid():
        try:
            letters.save_template(party=party, actor=request.user, **form.cleaned_data)
        except letters.LetterError as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, _("De brief is opgeslagen. Behandelaars maken hem vanaf nu met deze tekst."))
            return redirect("case_settings:letter_template")
    context = {
        "party": party,
        "form": form,
        "placeholders": letters.PLACEHOLDERS.items(),
        "saved": template.pk is not None,
    }
    return render(request, "cases/settings/letter_template.html", context)
