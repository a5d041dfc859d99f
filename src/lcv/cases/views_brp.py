"""R17, the mismatch list: a handler looks the address up in the BRP and picks the person, or
decides by hand when the BRP cannot tell (or is unavailable). Every lookup is recorded by the BRP
client with the handler as the one who asked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lcv.brp.check import Address
from lcv.brp.client import client_from_settings, split_addition
from lcv.brp.errors import BrpError, BrpUnavailable
from lcv.brp.records import BrpDate
from lcv.brp.services import QueryContext
from lcv.cases import services
from lcv.cases.models import Case, CasePerson
from lcv.cases.services import CaseError
from lcv.cases.views import _case, _log

SESSION_KEY = "lcv.cases.brp_candidates"


def date_text(value: BrpDate | None) -> str:
    """A BRP date as the handler reads it: dd-mm-jjjj, or the parts that are known."""
    if value is None or value.year is None:
        return ""
    parts = [f"{part:02d}" for part in (value.day, value.month) if part is not None]
    return "-".join([*parts, str(value.year)])


def _person(case: Case, person_pk: int) -> CasePerson:
    found = case.persons.filter(pk=person_pk).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def lookup(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """Who lives at the case's address according to the BRP (asked by this handler)."""
    organisation, case = _case(request, pk)
    person = _person(case, person_pk)
    _log(request, organisation, case, "brp", person)  # §4: the BRP's answer about the address is shown
    client = client_from_settings()
    residents = []
    problem = ""
    if client is None:
        problem = _("Er is geen BRP-koppeling ingesteld. Beoordeel zelf of de persoon hier woont.")
    else:
        address = Address(postcode=case.postcode, house_number=case.house_number, addition=case.house_number_addition)
        letter, addition = split_addition(address.addition)
        try:
            residents = client.search_address(
                postcode=address.postcode,
                house_number=address.house_number,
                house_letter=letter,
                addition=addition,
                context=QueryContext(actor_id=request.user.pk, reference=f"zaak {case.pk}"),
            )
        except BrpUnavailable:
            problem = _("De BRP is nu niet bereikbaar. Probeer het later opnieuw, of beoordeel zelf.")
        except BrpError:
            problem = _("De BRP kon deze vraag niet beantwoorden. Beoordeel zelf of de persoon hier woont.")
    candidates = {resident.bsn: resident for resident in residents}
    request.session[SESSION_KEY] = {"person": person.pk, "bsns": sorted(candidates)}
    return render(
        request,
        "cases/brp_lookup.html",
        {
            "case": case,
            "person": person,
            "residents": [
                (r.bsn, " ".join(p for p in (r.given_names, r.prefix, r.surname) if p), date_text(r.birth_date))
                for r in residents
            ],
            "problem": problem,
            "organisation": organisation,
        },
    )


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """The handler's decision: the person the BRP returned, "woont hier" by own judgement, or
    "woont hier niet" (which proposes the outcome "geen inwoner")."""
    _organisation, case = _case(request, pk)
    person = _person(case, person_pk)
    choice = request.POST.get("keuze", "")
    offered = request.session.get(SESSION_KEY) or {}
    try:
        if choice == "geen_inwoner":
            services.resolve_person(case_id=case.pk, person_id=person.pk, actor=request.user, not_resident=True)
        elif choice == "zelf":
            services.resolve_person(case_id=case.pk, person_id=person.pk, actor=request.user, by_hand=True)
        elif offered.get("person") == person.pk and choice in offered.get("bsns", []):
            services.resolve_person(case_id=case.pk, person_id=person.pk, actor=request.user, bsn=choice)
        else:
            raise CaseError(_("Kies een persoon uit de lijst van de BRP, of een van de andere mogelijkheden."))
    except CaseError as error:
        messages.error(request, str(error))
        return redirect("cases:case", pk=case.pk)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("Uw beoordeling van de persoon is vastgelegd."))
    return redirect("cases:case", pk=case.pk)
