"""The partner contact's page for API tokens: list, create (the plain token is shown once, in the
response to the POST that created it), revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts.forms import TokenForm as CodeForm
from lcv.accounts.policy import Action, membership_of, require
from lcv.organisations.models import Organisation, OrganisationKind
from lcv.signals import tokens
from lcv.signals.models import ApiToken


class TokenForm(CodeForm):
    """A new key gives a system access to deliver personal data: confirmed with the second factor,
    as signing is."""

    name = forms.CharField(
        label=gettext_lazy("Naam van de nieuwe sleutel"),
        help_text=gettext_lazy("Bijvoorbeeld het systeem dat de sleutel gebruikt, zoals 'Incassosysteem productie'."),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Geef de sleutel een naam.")},
    )

    valid_days = forms.TypedChoiceField(
        label=gettext_lazy("Geldig"),
        coerce=int,
        required=False,
        empty_value=None,
        initial=tokens.MAX_VALID_DAYS,
        choices=[
            (30, gettext_lazy("30 dagen")),
            (90, gettext_lazy("3 maanden")),
            (180, gettext_lazy("6 maanden")),
            (365, gettext_lazy("1 jaar (het langst mogelijke)")),
        ],
        help_text=gettext_lazy("Een maand voor het verlopen krijgen de contactpersonen een e-mail."),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )

    field_order = ["name", "valid_days", "code"]


def _own_partner(request: HttpRequest) -> Organisation:
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    organisation = membership.organisation
    require(request.user, Action.MANAGE_API_TOKENS, organisation)
    if organisation.kind != OrganisationKind.SIGNAL_PARTNER:
        raise PermissionDenied
    return organisation


@never_cache  # the page that shows a new plain token must not stay in a cache or the history
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    organisation = _own_partner(request)
    form = TokenForm(request.POST or None)
    created: ApiToken | None = None
    plain_token = ""
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    if request.method == "POST" and not has_device:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid() and match_token(request.user, form.cleaned_data["code"]) is None:
        form.add_error("code", _("Deze code klopt niet of is verlopen. Probeer de nieuwe code uit uw app."))
    if request.method == "POST" and form.is_valid():
        try:
            created, plain_token = tokens.create_token(
                organisation=organisation,
                actor=request.user,
                name=form.cleaned_data["name"],
                valid_days=form.cleaned_data["valid_days"] or tokens.MAX_VALID_DAYS,
            )
        except tokens.TokenError as error:
            form.add_error(None, str(error))
        else:
            form = TokenForm()
    context = {
        "organisation": organisation,
        "form": form,
        "tokens": ApiToken.objects.filter(organisation=organisation).select_related("created_by"),
        "now": timezone.now(),
        "created": created,
        "plain_token": plain_token,
        "has_device": has_device,
    }
    return render(request, "signals/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    require(request.user, Action.MANAGE_API_TOKENS, token)
    organisation = _own_partner(request)
    try:
        tokens.revoke_token(token_id=token.pk, organisation=organisation, actor=request.user)
    except tokens.TokenError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("De API-sleutel '%(name)s' is ingetrokken. Systemen die hem gebruiken, krijgen nu een weigering.")
            % {"name": token.name},
        )
    return redirect("signals_tokens:list")
