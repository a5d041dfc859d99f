from __future__ import annotations

from datetime import date
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts.policy import Action, can, membership_of, require
from lcv.accounts.second_factor import code_refusal
from lcv.agreements import addenda, local_covenants, selectors, services, signing
from lcv.agreements.forms import AddendumForm, EndForm, SignForm
from lcv.agreements.models import (
    OPEN_STATUSES,
    Addendum,
    AddendumStatus,
    Agreement,
    AgreementDocument,
    AgreementHistory,
    AgreementStatus,
    DocumentKind,
)
from lcv.agreements.workflow import event_label
from lcv.audit.context import client_ip
from lcv.audit.services import record
from lcv.core.paging import query_without_page
from lcv.core.security import body_limit
from lcv.organisations.models import MUNICIPAL_KINDS, Organisation, OrganisationKind, Sector
from lcv.organisations.selectors import directory_entries


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
    context = {
        "organisation": organisation,
        "page": page,
        "filters": filters,
        "query": query_without_page(request),
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


def _require_view(request: HttpRequest, agreement: Agreement) -> bool:
    """The parties see their agreement; the helpdesk sees every agreement, to answer "who signed,
    when, what is missing" (it acts on none of them here). True for the helpdesk."""
    if can(request.user, Action.MANAGE_AGREEMENTS):
        return True
    require(request.user, Action.VIEW_AGREEMENT, agreement)
    return False


def _history_text(step: AgreementHistory) -> str:
    """One line of the history in words: the event, and for a notice the date it takes effect."""
    label = event_label(step.event)
    end_date = step.details.get("end_date") if isinstance(step.details, dict) else None
    if step.event == "give_notice" and end_date:
        try:
            day = date.fromisoformat(end_date)
        except ValueError:
            return label
        return _("%(label)s per %(date)s") % {"label": label, "date": day.strftime("%d-%m-%Y")}
    return label


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, pk)


def _render_detail(
    request: HttpRequest,
    pk: int,
    *,
    end_form: EndForm | None = None,
    addendum_form: AddendumForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The agreement page; after a refused form, with that form, its messages and what was typed."""
    agreement = get_object_or_404(
        Agreement.objects.select_related("municipal_party", "partner", "executor", "template"), pk=pk
    )
    helpdesk = _require_view(request, agreement)
    own_id = _own_organisation(request).pk
    addenda_shown = list(agreement.addenda.select_related("proposed_by", "agreement"))
    may_propose = agreement.status in OPEN_STATUSES and can(request.user, Action.MANAGE_ADDENDA, agreement)
    for addendum in addenda_shown:
        waiting = addenda.awaiting(addendum) if addendum.status == AddendumStatus.PROPOSED else []
        addendum.waiting_for = [party.name for party in waiting]  # type: ignore[attr-defined]
        addendum.may_decide = may_propose and own_id in {party.pk for party in waiting}  # type: ignore[attr-defined]
    signed = set(agreement.signatures.values_list("organisation_id", flat=True))
    context = {
        "agreement": agreement,
        "helpdesk": helpdesk,
        # who has still to sign: what the helpdesk is asked most ("wat ontbreekt er nog?")
        "missing_signatures": [party for party in agreement.parties if party.pk not in signed]
        if agreement.status in (AgreementStatus.RELEASED, AgreementStatus.PARTIALLY_SIGNED)
        else [],
        "may_end": agreement.status == AgreementStatus.ACTIVE
        and agreement.ends_on is None
        and can(request.user, Action.END_AGREEMENT, agreement),
        "history": [(step, _history_text(step)) for step in agreement.history.select_related("actor")],
        "addenda": addenda_shown,
        "has_accepted_addenda": any(a.status == AddendumStatus.ACCEPTED for a in addenda_shown),
        "may_propose": may_propose,
        "own_id": own_id,
        "may_record_covenant": agreement.status == AgreementStatus.DRAFT
        and can(request.user, Action.RECORD_LOCAL_COVENANT, agreement),
        "covenant": local_covenants.proposal_for(agreement),
        "signatures": agreement.signatures.select_related("organisation", "signer"),
        "end_form": end_form or EndForm(),
        "addendum_form": addendum_form or AddendumForm(),
    }
    # a refusal by the agreement's state (e.g. given notice meanwhile) may hide its form: say it above
    for form, shown in ((end_form, context["may_end"]), (addendum_form, may_propose)):
        if form is not None and not shown:
            for error in form.non_field_errors():
                messages.error(request, str(error))
    return render(request, "agreements/detail.html", context, status=status)


@login_required
def to_sign(request: HttpRequest) -> HttpResponse:
    """R4: the same list as the Monday e-mail, at any time."""
    organisation = _own_organisation(request)
    require(request.user, Action.LIST_AGREEMENTS, organisation)
    rows = selectors.to_sign_by(organisation)
    page = Paginator(rows, 100).get_page(request.GET.get("pagina"))
    return render(request, "agreements/to_sign.html", {"organisation": organisation, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest) -> HttpResponse:
    """R5: see each chosen document, declare authority (FAQ 12), confirm with the second factor, sign
    them all at once. Only what can still be signed is shown; a form sent again (the browser's Back
    button) for agreements already signed says so instead of an error."""
    organisation = _own_organisation(request)
    require(request.user, Action.SIGN_AGREEMENTS, organisation)
    source = request.POST if request.method == "POST" else request.GET
    ids = [int(value) for value in source.getlist("overeenkomst") if value.isdigit()]
    chosen = list(selectors.to_sign_by(organisation).filter(pk__in=ids))
    if request.method == "POST" and ids and not chosen and selectors.signed_by(organisation, ids):
        messages.info(request, _("U heeft deze overeenkomst al ondertekend. Er is niets meer te ondertekenen."))
        return redirect("agreements:to_sign")
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", code_refusal(request.user, form.cleaned_data["code"]))
        else:
            try:
                signed = signing.sign_agreements(
                    agreement_ids=ids,
                    organisation=organisation,
                    signer=request.user,
                    declared_authorised=form.cleaned_data["authorised"],
                    ip_address=client_ip(request) or None,
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                )
            except signing.SigningError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("U heeft %(count)d overeenkomst(en) ondertekend.") % {"count": len(signed)})
                return redirect("agreements:to_sign")
    fingerprints = dict(
        AgreementDocument.objects.filter(agreement__in=chosen, kind=DocumentKind.DRAFT).values_list(
            "agreement_id", "sha256"
        )
    )
    rows = [
        (agreement, signing.agreement_with(agreement, organisation), fingerprints.get(agreement.pk))
        for agreement in chosen
    ]
    context = {
        "organisation": organisation,
        "agreements": chosen,
        "rows": rows,
        "form": form,
        "has_device": has_device,
        "enrol_next": request.get_full_path(),
    }
    return render(request, "agreements/sign.html", context)


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """R6: the current document: the sealed final PDF once active, else the document to sign. With
    accepted addenda, a ZIP of the document and the addenda (`?alleen=document`: the PDF alone)."""
    agreement = get_object_or_404(Agreement.objects.select_related("template", "municipal_party", "partner"), pk=pk)
    _require_view(request, agreement)
    from lcv.agreements.documents import draft_document
    from lcv.agreements.tasks import seal_agreement_task

    final = agreement.documents.filter(kind=DocumentKind.FINAL).first()
    if final is None and agreement.status in (AgreementStatus.ACTIVE, AgreementStatus.ENDED):
        # Just activated and the worker has not sealed it yet. Only the worker holds the seal key, so
        # ask it (again: the task is idempotent) and say so, rather than hand out the unsealed draft.
        transaction.on_commit(partial(seal_agreement_task.enqueue, agreement.pk))
        context = {"agreement": agreement, "only_document": request.GET.get("alleen") == "document"}
        return render(request, "agreements/sealing.html", context, status=202)
    stored = final or draft_document(agreement)
    # the document names the signatories: downloads are audited
    record(action="agreements.document_downloaded", actor=request.user, obj=agreement, details={"final": bool(final)})
    suffix = "verzegeld" if final else "ter-ondertekening"
    name = f"overeenkomst-{agreement.pk}-{suffix}"
    pdf = bytes(stored.pdf)
    package = (
        None if request.GET.get("alleen") == "document" else addenda.package_with_addenda(agreement, pdf, f"{name}.pdf")
    )
    if package is not None:
        response = HttpResponse(package, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}-met-addenda.zip"'
        return response
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    """R9: a party ends an active agreement with a reason and a date."""
    agreement = get_object_or_404(Agreement, pk=pk)
    require(request.user, Action.END_AGREEMENT, agreement)
    organisation = _own_organisation(request)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.end_agreement(
                agreement_id=pk,
                organisation=organisation,
                actor=request.user,
                reason=form.cleaned_data["reden"],
                end_date=form.cleaned_data["einddatum"],
            )
        except services.AgreementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("De overeenkomst is opgezegd; de andere partij is bericht."))
            return redirect("agreements:detail", pk=pk)
    return _render_detail(request, pk, end_form=form, status=400)


@body_limit(addenda.MAX_ADDENDUM_BYTES)
@login_required
@require_POST
def addendum_propose(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=pk)
    require(request.user, Action.MANAGE_ADDENDA, agreement)
    form = AddendumForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            addenda.propose_addendum(
                agreement_id=pk,
                organisation=_own_organisation(request),
                actor=request.user,
                description=form.cleaned_data["omschrijving"],
                pdf=form.cleaned_data["bestand"].read(),
                delivery_days=form.cleaned_data["aanleverdagen"],
                pause_at_delivery=form.cleaned_data["pauzeren"],
            )
        except addenda.AddendumError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Het addendum is voorgesteld; de andere partij is bericht."))
            return redirect("agreements:detail", pk=pk)
    return _render_detail(request, pk, addendum_form=form, status=400)


@login_required
@require_POST
def addendum_decide(request: HttpRequest, pk: int) -> HttpResponse:
    addendum = get_object_or_404(Addendum.objects.select_related("agreement"), pk=pk)
    require(request.user, Action.MANAGE_ADDENDA, addendum)
    try:
        addenda.decide_addendum(
            addendum_id=pk,
            organisation=_own_organisation(request),
            actor=request.user,
            accept=request.POST.get("besluit") == "aanvaarden",
        )
    except addenda.AddendumError as error:
        messages.error(request, str(error))
    return redirect("agreements:detail", pk=addendum.agreement_id)


@login_required
def addendum_file(request: HttpRequest, pk: int) -> HttpResponse:
    addendum = get_object_or_404(Addendum.objects.select_related("agreement"), pk=pk)
    require(request.user, Action.VIEW_AGREEMENT, addendum.agreement)
    response = HttpResponse(bytes(addendum.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="addendum-{addendum.pk}.pdf"'
    return response


@login_required
@require_POST
def local_covenant(request: HttpRequest, pk: int) -> HttpResponse:
    """FAQ 16-17: propose to keep the existing local covenant; the other party confirms or declines."""
    agreement = get_object_or_404(Agreement.objects.select_related("municipal_party", "partner"), pk=pk)
    require(request.user, Action.RECORD_LOCAL_COVENANT, agreement)
    try:
        local_covenants.propose(
            agreement_id=agreement.pk,
            organisation=_own_organisation(request),
            actor=request.user,
            note=request.POST.get("toelichting", ""),
        )
    except local_covenants.LocalCovenantError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Voorgesteld: de andere partij bevestigt of wijst het lokale convenant af. Beide contactpersonen "
                "hebben een e-mail gekregen; tot de bevestiging blijft de overeenkomst staan."
            ),
        )
    return redirect("agreements:detail", pk=pk)


@login_required
@require_POST
def local_covenant_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The other party's contact confirms or declines a proposed local covenant."""
    agreement = get_object_or_404(Agreement.objects.select_related("municipal_party", "partner"), pk=pk)
    require(request.user, Action.RECORD_LOCAL_COVENANT, agreement)
    covenant = local_covenants.proposal_for(agreement)
    if covenant is None:
        messages.error(request, _("Er ligt geen voorstel voor een lokaal convenant."))
        return redirect("agreements:detail", pk=pk)
    confirm = request.POST.get("besluit") == "bevestigen"
    try:
        local_covenants.decide(
            covenant_id=covenant.pk, organisation=_own_organisation(request), actor=request.user, confirm=confirm
        )
    except local_covenants.LocalCovenantError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Bevestigd: dit paar houdt het lokale convenant; het concept is ingetrokken.")
            if confirm
            else _("Afgewezen: de LCV-overeenkomst blijft staan."),
        )
    return redirect("agreements:detail", pk=pk)


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    """R7: counterparts, with their contact person's details only where that person consented."""
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    own = membership.organisation
    require(request.user, Action.VIEW_DIRECTORY, own)
    search = request.GET.get("zoek", "").strip()
    entries = directory_entries(selectors.counterparts_of(own), search=search)
    page = Paginator(entries, 50).get_page(request.GET.get("pagina"))
    context = {"page": page, "search": search, "query": query_without_page(request), "organisation": own}
    return render(request, "organisations/directory.html", context)
