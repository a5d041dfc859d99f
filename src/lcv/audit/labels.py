"""How the audit log names what happened and what it happened to, in Dutch words.

Every action string passed to `record(action=...)` has a label here; a test reads the source and
fails on one without. Objects are named by their kind and number, or for an account and an
organisation by name ("Account van Jan Jansen"). The audit app only knows these words; it imports
no domain code (object types are looked up by their model label)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # accounts
    "account.invited": _("Uitgenodigd voor een account"),
    "account.logged_in": _("Ingelogd"),
    "account.logged_out": _("Uitgelogd"),
    "account.login_failed": _("Inloggen mislukt"),
    "account.second_factor_enrolled": _("Tweede factor ingesteld"),
    "account.second_factor_passed": _("Tweede factor gebruikt bij inloggen"),
    "account.second_factor_failed": _("Onjuiste code van de tweede factor bij inloggen"),
    "account.second_factor_reset": _("Tweede factor gewist door de helpdesk"),
    "account.reset_requested": _("Nieuw wachtwoord aangevraagd"),
    "account.reset_requested_throttled": _("Nieuw wachtwoord te vaak aangevraagd (geen e-mail verstuurd)"),
    "account.reset_requested_unknown": _("Nieuw wachtwoord aangevraagd voor een onbekend e-mailadres"),
    "account.password_set.invitation": _("Wachtwoord ingesteld na uitnodiging"),
    "account.password_set.reset": _("Nieuw wachtwoord ingesteld"),
    "account.roles_changed": _("Rollen gewijzigd"),
    "account.deactivated": _("Account gedeactiveerd"),
    "account.reactivated": _("Account weer actief gemaakt"),
    "account.directory_consent_changed": _("Toestemming voor de contactenlijst gewijzigd"),
    # organisations and registrations
    "organisation.created": _("Organisatie aangemaakt"),
    "organisation.departure_recorded": _("Vertrek van de organisatie vastgelegd"),
    "organisation.signatory_replaced": _("Tekenbevoegde vervangen"),
    "membership.role_granted": _("Rol toegekend"),
    "membership.role_removed": _("Rol ingetrokken"),
    "change_request.created": _("Wijziging van organisatiegegevens aangevraagd"),
    "change_request.executed": _("Wijziging van organisatiegegevens doorgevoerd"),
    "change_request.rejected": _("Wijziging van organisatiegegevens afgewezen"),
    "registration.submitted": _("Aanmelding ingediend"),
    "registration.approved": _("Aanmelding goedgekeurd"),
    "registration.rejected": _("Aanmelding afgewezen"),
    "registration.attached": _("Aanmelding gekoppeld aan een bestaande organisatie"),
    # agreements
    "agreements.generated": _("Conceptovereenkomsten aangemaakt"),
    "agreements.released": _("Overeenkomsten vrijgegeven voor ondertekening"),
    "agreements.signing_notice_sent": _("E-mail over te ondertekenen overeenkomsten verstuurd"),
    "agreements.signed": _("Overeenkomsten ondertekend"),
    "agreements.end_given": _("Overeenkomst opgezegd"),
    "agreements.withdrawn": _("Overeenkomsten ingetrokken"),
    "agreements.document_downloaded": _("Overeenkomst gedownload"),
    "agreements.local_covenant_proposed": _("Lokaal convenant voorgesteld"),
    "agreements.local_covenant_confirmed": _("Lokaal convenant bevestigd"),
    "agreements.local_covenant_declined": _("Lokaal convenant afgewezen"),
    "agreements.local_covenant_recorded": _("Lokaal convenant vastgelegd door de helpdesk"),
    "agreements.local_covenant_undone": _("Lokaal convenant ongedaan gemaakt"),
    "addendum.proposed": _("Addendum voorgesteld"),
    "addendum.accepted": _("Addendum aanvaard"),
    "addendum.declined": _("Addendum niet aanvaard"),
    "addendum.accepted_by_party": _("Addendum aanvaard door een partij (wacht op de andere)"),
    "organisation.signal_system_changed": _("Signaleringssysteem gewijzigd"),
    "organisation.cosigning_executor_linked": _("Uitvoerder die mede ondertekent vastgelegd"),
    "agreement_template.version_created": _("Nieuwe versie van de standaardovereenkomst"),
    "agreement_template.windows_changed": _("Termijnen van de standaardovereenkomst gewijzigd"),
    # signals
    "signals.api_token_created": _("API-sleutel aangemaakt"),
    "signals.api_token_revoked": _("API-sleutel ingetrokken"),
    "signals.api_token_expiry_reminded": _("Herinnering verstuurd: API-sleutel verloopt binnenkort"),
    "signals.delivery_received": _("Aanlevering ontvangen"),
    "signals.delivery_processed": _("Aanlevering verwerkt"),
    "signals.delivery_given_up": _("Verwerking van een aanlevering gestopt na herhaalde fouten"),
    "signals.delivery_viewed": _("Aanlevering bekeken"),
    "signals.error_report_downloaded": _("Foutenrapport gedownload"),
    "signals.postcodes_imported": _("Postcodetabel ingelezen"),
    # cases
    "cases.closed": _("Zaak afgesloten"),
    "cases.reopened": _("Zaak heropend"),
    "cases.closed_many": _("Zaken in één keer afgesloten"),
    "cases.settings_changed": _("Instellingen zaakbehandeling gewijzigd"),
    "cases.tray_changed": _("Werkbak of triageregel gewijzigd"),
    "cases.mandate_recorded": _("Mandaat voor een uitvoerder vastgelegd"),
    "cases.mandate_ended": _("Mandaat voor een uitvoerder beëindigd"),
    "cases.letter_template_changed": _("Brieftekst gewijzigd"),
    "cases.exported": _("Werkbak geëxporteerd"),
    # feedback to partners (R20, R21)
    "feedback.exported": _("Terugkoppeling geëxporteerd"),
    # debt-help check (R17)
    "debthelp.list_replaced": _("Lijst van inwoners bekend bij schuldhulpverlening vervangen"),
    "debthelp.list_refused": _("Lijst van inwoners bekend bij schuldhulpverlening geweigerd (niets vervangen)"),
    # webhooks (feedback to partners' systems)
    "webhooks.endpoint_registered": _("Webhook-adres aangemeld"),
    "webhooks.endpoint_disabled": _("Webhook-adres uitgezet"),
    "webhooks.endpoint_enabled": _("Webhook-adres weer aangezet"),
    "webhooks.endpoint_removed": _("Webhook-adres verwijderd"),
    "webhooks.delivery_replayed": _("Webhookbericht opnieuw verstuurd"),
}
ACTION_FALLBACK = _("Andere handeling")

# object_type (the model's label_lower) -> words with the object's number; "{name}" where the
# object's own name says more (accounts, organisations)
OBJECT_LABELS = {
    "accounts.user": _("Account van {name}"),
    "organisations.organisation": _("Organisatie {name}"),
    "organisations.changerequest": _("Wijzigingsverzoek {number}"),
    "registrations.registration": _("Aanmelding {number}"),
    "agreements.agreement": _("Overeenkomst {number}"),
    "cases.case": _("Zaak {number}"),
    "cases.mandate": _("Mandaat {number}"),
    "agreements.addendum": _("Addendum {number}"),
    "agreements.localcovenant": _("Lokaal convenant {number}"),
    "agreements.agreementtemplate": _("Sjabloon {name}"),
    "signals.delivery": _("Aanlevering {number}"),
    "signals.apitoken": _("API-sleutel {number}"),
    "webhooks.webhookendpoint": _("Webhook-adres {number}"),
    "webhooks.webhookdelivery": _("Webhookbericht {number}"),
    "debthelp.debthelplist": _("Schuldhulplijst {number}"),
}
OBJECT_FALLBACK = _("Gegeven nr. {number}")
NAMED = frozenset({"accounts.user", "organisations.organisation", "agreements.agreementtemplate"})


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, ACTION_FALLBACK))


def action_choices() -> list[tuple[str, str]]:
    """(action, words) for the filter, in alphabetical order of the words."""
    return sorted(((action, str(label)) for action, label in ACTION_LABELS.items()), key=lambda c: c[1])


def _names(object_type: str, ids: set[str]) -> dict[str, str]:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    keys = [int(pk) for pk in ids if pk.isdigit()]
    return {str(pk): str(obj) for pk, obj in model._default_manager.in_bulk(keys).items()}


def describe_objects(events: Iterable[Any]) -> dict[int, str]:
    """Event id -> the object in words, for one page of events (one query per named kind)."""
    events = list(events)
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.object_type in NAMED and event.object_id:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    names = {object_type: _names(object_type, ids) for object_type, ids in wanted.items()}
    described = {}
    for event in events:
        if not event.object_type:
            described[event.pk] = ""
            continue
        template = str(OBJECT_LABELS.get(event.object_type, OBJECT_FALLBACK))
        name = names.get(event.object_type, {}).get(event.object_id) or gettext("(niet meer aanwezig)")
        described[event.pk] = template.format(name=name, number=event.object_id)
    return described
