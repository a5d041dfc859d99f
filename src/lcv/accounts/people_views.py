"""People screens: the contact's for its own organisation (/organisatie/mensen/), the helpdesk's for
everyone (/beheer/mensen/), and every person's own settings (/account/mijn-gegevens/)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts import people, services
from lcv.accounts.models import User
from lcv.accounts.policy import Action, membership_of, require
from lcv.core.paging import query_without_page
from lcv.organisations.models import Membership, Organisation


class InviteForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Naam"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("E-mailadres"), help_text=gettext_lazy("Hierheen gaat de uitnodiging."))

    def __init__(self, *args: object, organisation: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["roles"] = forms.MultipleChoiceField(
            label=gettext_lazy("Rollen"),
            choices=[(role.value, role.label) for role in people.working_roles(organisation)],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": gettext_lazy("Kies minstens één rol.")},
        )


def _own_organisation(request: HttpRequest) -> Organisation:
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    require(request.user, Action.MANAGE_PEOPLE, membership.organisation)
    return membership.organisation


def _rows(memberships: list[Membership]) -> list[dict[str, object]]:
    enrolled = set(
        TOTPDevice.objects.filter(user__in=[m.user_id for m in memberships], confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    return [
        {
            "membership": m,
            "user": m.user,
            "status": people.status_of(m.user),
            "second_factor": m.user_id in enrolled,
        }
        for m in memberships
    ]


@login_required
@require_http_methods(["GET", "POST"])
def people_list(request: HttpRequest) -> HttpResponse:
    organisation = _own_organisation(request)
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            person = people.invite_colleague(
                organisation=organisation,
                actor=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=form.cleaned_data["roles"],
            )
        except people.PeopleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s is uitgenodigd en krijgt een e-mail om een wachtwoord in te stellen.")
                % {"name": person.full_name},
            )
            return redirect("people:list")
    memberships = list(
        Membership.objects.filter(organisation=organisation).select_related("user").order_by("user__full_name")
    )
    context = {"organisation": organisation, "rows": _rows(memberships), "form": form}
    return render(request, "accounts/people_list.html", context)


def _person_of(request: HttpRequest, pk: int, *, helpdesk: bool) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("user", "organisation"), user_id=pk)
    if helpdesk:
        require(request.user, Action.MANAGE_ALL_PEOPLE)
    else:
        require(request.user, Action.MANAGE_PEOPLE, membership.organisation)
    return membership


def _person_page(request: HttpRequest, pk: int, *, helpdesk: bool) -> HttpResponse:
    membership = _person_of(request, pk, helpdesk=helpdesk)
    person = membership.user
    back = "people:helpdesk_list" if helpdesk else "people:list"
    if request.method == "POST":
        action = request.POST.get("actie", "")
        try:
            if action == "rollen":
                people.change_roles(membership=membership, actor=request.user, roles=request.POST.getlist("rollen"))
                messages.success(request, _("De rollen van %(name)s zijn aangepast.") % {"name": person.full_name})
            elif action == "deactiveren":
                people.deactivate(
                    user=person, actor=request.user, keep_api_keys=request.POST.get("sleutels") == "houden"
                )
                messages.success(
                    request,
                    _("%(name)s is gedeactiveerd en kan niet meer inloggen; open sessies zijn beëindigd.")
                    % {"name": person.full_name},
                )
            elif action == "heractiveren":
                people.reactivate(user=person, actor=request.user)
                messages.success(request, _("%(name)s kan weer inloggen.") % {"name": person.full_name})
            elif action == "uitnodiging" and helpdesk:
                services.send_invitation(user=person)
                messages.success(request, _("De uitnodiging is opnieuw verstuurd."))
            elif action == "tweede-factor" and helpdesk:
                services.reset_second_factor(user=person, actor=request.user)
                messages.success(
                    request,
                    _("De tweede factor is verwijderd; %(name)s stelt bij de volgende keer inloggen een nieuwe in.")
                    % {"name": person.full_name},
                )
            else:
                raise people.PeopleError(_("Kies een handeling."))
        except people.PeopleError as error:
            messages.error(request, str(error))
        return redirect("people:helpdesk_person" if helpdesk else "people:person", pk=person.pk)
    context = {
        "membership": membership,
        "person": person,
        "status": people.status_of(person),
        "second_factor": TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
        "working_roles": [
            {"value": role.value, "label": role.label, "held": role in membership.roles}
            for role in people.working_roles(membership.organisation)
        ],
        "made": people.made_by(person),
        "helpdesk": helpdesk,
        "back": back,
    }
    return render(request, "accounts/person.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, pk, helpdesk=False)


@login_required
@require_http_methods(["GET", "POST"])
def helpdesk_person(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, pk, helpdesk=True)


@login_required
def helpdesk_list(request: HttpRequest) -> HttpResponse:
    """Find a person or an organisation: name, e-mail address or organisation name; filter by status."""
    require(request.user, Action.MANAGE_ALL_PEOPLE)
    memberships = Membership.objects.select_related("user", "organisation").order_by(
        "organisation__name", "user__full_name"
    )
    query = request.GET.get("zoek", "").strip()
    if query:
        memberships = memberships.filter(
            Q(user__full_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    status = request.GET.get("status", "")
    if status == "actief":
        memberships = memberships.filter(user__is_active=True)
    elif status == "gedeactiveerd":
        memberships = memberships.filter(user__is_active=False)
    page = Paginator(memberships, 50).get_page(request.GET.get("pagina"))
    context = {
        "page": page,
        "rows": _rows(list(page.object_list)),
        "zoek": query,
        "status": status,
        "query": query_without_page(request),
    }
    return render(request, "accounts/helpdesk_people.html", context)


class SettingsForm(forms.Form):
    consents_to_share_contact_details = forms.BooleanField(
        label=gettext_lazy("Andere partijen mogen mijn naam, e-mailadres en telefoonnummer zien"),
        help_text=gettext_lazy(
            "Dan staat u in de contactenlijst van de gemeenten en signaalpartners met wie uw organisatie een "
            "overeenkomst heeft. Zonder toestemming tonen we alleen de naam van uw organisatie."
        ),
        required=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def own_settings(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.EDIT_OWN_SETTINGS)
    user = request.user
    assert isinstance(user, User)
    form = SettingsForm(
        request.POST if request.method == "POST" else None,  # an unticked box posts nothing
        initial={"consents_to_share_contact_details": user.consents_to_share_contact_details},
    )
    if request.method == "POST" and form.is_valid():
        services.set_directory_consent(user=user, consents=form.cleaned_data["consents_to_share_contact_details"])
        messages.success(request, _("Uw keuze is opgeslagen."))
        return redirect("people:settings")
    return render(request, "accounts/settings.html", {"form": form})
