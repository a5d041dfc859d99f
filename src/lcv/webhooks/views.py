"""The partner's webhook screens: its addresses (registered by the contact with the second factor,
the secret shown once), and per address the log of deliveries and attempts, which deliverers may
read too. Another organisation's address or delivery answers 404 (policy.require)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from lcv.accounts.forms import TokenForm as CodeForm
from lcv.accounts.policy import Action, can, membership_of, require
from lcv.organisations.models import Organisation, OrganisationKind
from lcv.webhooks import selectors, services
from lcv.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


class EndpointForm(CodeForm):
    """A new address receives what the municipality tells the partner: confirmed with the second
    factor, as an API key is."""

    url = forms.CharField(
        label=gettext_lazy("Adres (https://…)"),
        help_text=gettext_lazy(
            "Het adres van uw eigen systeem dat de berichten ontvangt, bijvoorbeeld https://incasso.voorbeeld.nl/lcv/webhook."
        ),
        max_length=500,
        widget=forms.URLInput(attrs={"class": "utrecht-textbox", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": gettext_lazy("Vul het adres in.")},
    )
    description = forms.CharField(
        label=gettext_lazy("Omschrijving"),
        help_text=gettext_lazy("Bijvoorbeeld het systeem dat de berichten verwerkt."),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox", "autocomplete": "off"}),
    )

    field_order = ["url", "description", "code"]


def _own_partner(request: HttpRequest, action: Action) -> Organisation:
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    organisation = membership.organisation
    require(request.user, action, organisation)
    if organisation.kind != OrganisationKind.SIGNAL_PARTNER:
        raise PermissionDenied
    return organisation


@never_cache  # the page that shows a new secret must not stay in a cache or the history
@login_required
@require_http_methods(["GET", "POST"])
def endpoint_list(request: HttpRequest) -> HttpResponse:
    organisation = _own_partner(request, Action.VIEW_WEBHOOK_LOG)
    may_manage = can(request.user, Action.MANAGE_WEBHOOKS, organisation)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    if request.method == "POST" and not has_device:
        raise PermissionDenied
    form = EndpointForm(request.POST or None)
    created: WebhookEndpoint | None = None
    secret = ""
    if request.method == "POST" and form.is_valid() and match_token(request.user, form.cleaned_data["code"]) is None:
        form.add_error("code", _("Deze code klopt niet of is verlopen. Probeer de nieuwe code uit uw app."))
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.register_endpoint(
                organisation=organisation,
                actor=request.user,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
            )
        except services.WebhookError as error:
            form.add_error("url", str(error))
        else:
            form = EndpointForm()
    context = {
        "organisation": organisation,
        "endpoints": selectors.endpoints_of(organisation),
        "form": form,
        "created": created,
        "secret": secret,
        "has_device": has_device,
        "may_manage": may_manage,
    }
    return render(request, "webhooks/list.html", context)


@login_required
def endpoint_log(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    require(request.user, Action.VIEW_WEBHOOK_LOG, endpoint)
    organisation = _own_partner(request, Action.VIEW_WEBHOOK_LOG)
    status = request.GET.get("status", "")
    context = {
        "organisation": organisation,
        "endpoint": endpoint,
        "page": selectors.delivery_log(endpoint, page=request.GET.get("pagina"), status=status),
        "status": status,
        "statuses": DeliveryStatus.choices,
        "may_manage": can(request.user, Action.MANAGE_WEBHOOKS, endpoint),
    }
    return render(request, "webhooks/log.html", context)


@login_required
@require_POST
def endpoint_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    require(request.user, Action.MANAGE_WEBHOOKS, endpoint)
    organisation = _own_partner(request, Action.MANAGE_WEBHOOKS)
    services.set_active(
        endpoint_id=endpoint.pk, organisation=organisation, actor=request.user, active=not endpoint.active
    )
    if endpoint.active:
        messages.success(request, _("Het adres staat uit: er worden geen berichten meer naartoe gestuurd."))
    else:
        messages.success(request, _("Het adres staat weer aan: berichten van de tussentijd volgen."))
    return redirect("webhooks:list")


@login_required
@require_POST
def endpoint_remove(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    require(request.user, Action.MANAGE_WEBHOOKS, endpoint)
    organisation = _own_partner(request, Action.MANAGE_WEBHOOKS)
    services.remove_endpoint(endpoint_id=endpoint.pk, organisation=organisation, actor=request.user)
    messages.success(request, _("Het webhook-adres en zijn logboek zijn verwijderd."))
    return redirect("webhooks:list")


@login_required
@require_POST
def delivery_replay(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("endpoint__organisation"), pk=pk)
    require(request.user, Action.MANAGE_WEBHOOKS, delivery)
    organisation = _own_partner(request, Action.MANAGE_WEBHOOKS)
    services.replay(delivery_id=delivery.pk, organisation=organisation, actor=request.user)
    messages.success(request, _("Het bericht wordt opnieuw verstuurd."))
    return redirect("webhooks:log", pk=delivery.endpoint_id)
