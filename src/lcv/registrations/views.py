from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from lcv.accounts.policy import Action, require
from lcv.audit.context import client_ip
from lcv.core.paging import query_without_page
from lcv.core.spreadsheet import csv_response
from lcv.organisations.models import Organisation, Sector
from lcv.registrations import selectors, services
from lcv.registrations.forms import KIND_SLUGS, RegistrationForm
from lcv.registrations.models import REGISTRABLE_KINDS, Registration, RegistrationStatus

# --- public -------------------------------------------------------------------------------------


def choose_kind(request: HttpRequest) -> HttpResponse:
    kinds = [(slug, kind.label) for slug, kind in KIND_SLUGS.items()]
    return render(request, "registrations/choose_kind.html", {"kinds": kinds})


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, kind_slug: str) -> HttpResponse:
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404
    form = RegistrationForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        ip_address = client_ip(request)
        if form.cleaned_data.get("website"):
            # the honeypot was filled in: answer as if all went well, store nothing
            return _to_thanks(kind_slug)
        if services.rate_limited(ip_address=ip_address):
            form.add_error(
                None, _("Er zijn vanaf dit adres te veel aanmeldingen gedaan. Probeer het over een uur opnieuw.")
            )
        else:
            registration = form.save(commit=False)
            registration.kind = kind
            services.submit_registration(
                registration=registration,
                municipalities=form.cleaned_data.get("municipalities") or [],
                ip_address=ip_address,
            )
            return _to_thanks(kind_slug)
    return render(request, "registrations/form.html", {"form": form, "kind": kind, "kind_slug": kind_slug})


def _to_thanks(kind_slug: str) -> HttpResponse:
    # only the kind goes into the address (it chooses the text about what happens next); nothing personal
    return redirect(f"{reverse('registrations:thanks')}?soort={kind_slug}")


def thanks(request: HttpRequest) -> HttpResponse:
    kind = KIND_SLUGS.get(request.GET.get("soort", ""))
    return render(request, "registrations/thanks.html", {"kind": kind.value if kind else ""})


# --- helpdesk -----------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> dict[str, object]:
    older = request.GET.get("ouder_dan", "")
    return {
        "status": request.GET.get("status", RegistrationStatus.PENDING if "status" not in request.GET else ""),
        "kind": request.GET.get("soort", ""),
        "sector": request.GET.get("sector", ""),
        "older_than_days": int(older) if older.isdigit() else None,
        "sort": request.GET.get("sorteer", "oudste"),
    }


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_REGISTRATIONS)
    filters = _filters(request)
    rows = selectors.registrations(**filters)  # type: ignore[arg-type]
    if request.GET.get("formaat") == "csv":
        return _csv(rows)
    page = Paginator(rows, 25).get_page(request.GET.get("pagina"))
    page.object_list = list(page.object_list)
    flags = selectors.registration_flags(page.object_list)
    for row in page.object_list:
        row.flags = flags.get(row.pk, [])  # type: ignore[attr-defined]
    context = {
        "page": page,
        "filters": filters,
        "query": query_without_page(request),
        "statuses": RegistrationStatus.choices,
        "kinds": REGISTRABLE_KINDS,
        "sectors": Sector.choices,
        "now": timezone.now(),
    }
    return render(request, "registrations/queue.html", context)


def _csv(rows: QuerySet[Registration]) -> HttpResponse:
    flags = selectors.registration_flags(rows)
    return csv_response(
        "aanmeldingen.csv",
        ["id", "ingediend", "status", "soort", "organisatie", "KvK", "CBS-code", "sector", "dubbel", "let op"],
        (
            [
                registration.pk,
                timezone.localtime(registration.submitted_at).strftime("%d-%m-%Y %H:%M"),
                registration.get_status_display(),
                registration.get_kind_display(),
                registration.name,
                registration.kvk_number,
                registration.municipality.cbs_code if registration.municipality else "",
                registration.get_sector_display(),
                "ja" if registration.duplicate_of_id else "",
                " ".join(flags.get(registration.pk, [])),
            ]
            for registration in rows
        ),
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MANAGE_REGISTRATIONS)
    registration = get_object_or_404(
        Registration.objects.select_related("municipality", "duplicate_of", "organisation", "decided_by"), pk=pk
    )
    context = {
        "registration": registration,
        "municipalities": registration.municipalities.order_by("name"),
        "similar": selectors.similar_pending(registration),
        "flags": selectors.registration_flags([registration])[registration.pk]
        if registration.status == RegistrationStatus.PENDING
        else [],
        "consequences": selectors.member_consequences(registration),
        "organisations": Organisation.objects.exclude(kind="platform").order_by("name"),
        "now": timezone.now(),
    }
    return render(request, "registrations/detail.html", context)


DECISIONS = {"goedkeuren": _lazy("goedkeuren"), "afwijzen": _lazy("afwijzen"), "koppelen": _lazy("koppelen")}


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MANAGE_REGISTRATIONS)
    get_object_or_404(Registration, pk=pk)
    decision = request.POST.get("besluit")
    try:
        if decision in DECISIONS and request.POST.get("bevestigd") != "ja":
            # a decision cannot be undone: the helpdesk ticks that it is sure (works without JavaScript)
            raise services.RegistrationError(
                _(
                    "Er is niets besloten. Vink eerst aan dat u zeker bent van '%(decision)s'; dit kan niet "
                    "ongedaan worden gemaakt."
                )
                % {"decision": DECISIONS[decision]}
            )
        if decision == "goedkeuren":
            organisation = services.approve_registration(registration_id=pk, actor=request.user)
            messages.success(
                request,
                _("Goedgekeurd: %(name)s staat op het platform; de uitnodigingen zijn verstuurd.")
                % {"name": organisation.name},
            )
            if organisation.awaited_executor_kvk:
                messages.warning(
                    request,
                    _(
                        "Let op: de uitvoerder die mede ondertekent, %(executor)s (KvK %(kvk)s), staat nog niet op "
                        "het platform. De overeenkomsten van %(name)s kunnen pas worden vrijgegeven als die "
                        "uitvoerder is goedgekeurd (dan wordt zij vanzelf gekoppeld) of als u de uitvoerder bij "
                        "Alle overeenkomsten koppelt."
                    )
                    % {
                        "executor": organisation.awaited_executor_name,
                        "kvk": organisation.awaited_executor_kvk,
                        "name": organisation.name,
                    },
                )
        elif decision == "afwijzen":
            services.reject_registration(registration_id=pk, reason=request.POST.get("reden", ""), actor=request.user)
            messages.success(request, _("Afgewezen; de aanmelder krijgt de reden per e-mail."))
        elif decision == "koppelen":
            target = request.POST.get("organisatie", "")
            if not target.isdigit():
                raise services.RegistrationError(_("Kies de organisatie waaraan u de aanmelding koppelt."))
            services.attach_registration(registration_id=pk, organisation_id=int(target), actor=request.user)
            messages.success(request, _("Gekoppeld aan de bestaande organisatie; de aanmelder is bericht."))
        else:
            raise services.RegistrationError(_("Kies goedkeuren, afwijzen of koppelen."))
    except services.RegistrationError as error:
        messages.error(request, str(error))
    except Organisation.DoesNotExist:
        messages.error(request, _("Die organisatie bestaat niet (meer)."))
    return redirect("registrations:detail", pk=pk)
