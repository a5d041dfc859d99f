"""The public registration form (R1). One form; which fields it has depends on the organisation kind."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lcv.organisations.models import Municipality, OrganisationKind, Sector, SignalSystem
from lcv.organisations.validators import is_dutch_phone, normalise_kvk, phone_error, validate_kvk
from lcv.registrations.models import Registration

# URL slug <-> organisation kind
KIND_SLUGS = {
    "gemeente": OrganisationKind.MUNICIPALITY,
    "gemeenschappelijke-regeling": OrganisationKind.JOINT_ARRANGEMENT,
    "uitvoerder": OrganisationKind.EXECUTOR,
    "signaalpartner": OrganisationKind.SIGNAL_PARTNER,
}

PERSON_FIELDS = [
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_job_title",
    "contact_consents",
    "signatory_name",
    "signatory_email",
    "signatory_job_title",
]
KIND_FIELDS: dict[str, list[str]] = {
    OrganisationKind.MUNICIPALITY: ["municipality", "signal_system"],
    OrganisationKind.JOINT_ARRANGEMENT: ["name", "kvk_number", "signal_system", "municipalities"],
    OrganisationKind.EXECUTOR: ["name", "kvk_number", "municipalities"],
    OrganisationKind.SIGNAL_PARTNER: ["name", "kvk_number", "sector", "national_coverage", "municipalities"],
}
COSIGNING_KINDS = {OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_ARRANGEMENT}

MUNICIPALITIES_LABEL: dict[str, Any] = {
    OrganisationKind.JOINT_ARRANGEMENT: _("Deelnemende gemeenten"),
    OrganisationKind.EXECUTOR: _("Gemeenten waarvoor u werkt"),
    OrganisationKind.SIGNAL_PARTNER: _("Gemeenten waar u klanten heeft"),
}


class MunicipalityChoiceField(forms.ModelChoiceField[Municipality]):
    def label_from_instance(self, obj: Municipality) -> str:
        return obj.name


class MunicipalitiesField(forms.ModelMultipleChoiceField[Municipality]):
    def label_from_instance(self, obj: Municipality) -> str:
        return obj.name


class RegistrationForm(forms.ModelForm[Registration]):
    municipality = MunicipalityChoiceField(
        queryset=Municipality.objects.order_by("name"),
        to_field_name="cbs_code",
        label=_("Gemeente"),
        empty_label=_("Kies uw gemeente"),
        error_messages={"invalid_choice": _("Deze gemeente staat niet in de lijst van 342 gemeenten.")},
    )
    signal_system = forms.ChoiceField(
        label=_("Signaleringssysteem"),
        choices=SignalSystem.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Via dit systeem ontvangt u de signalen van de signaalpartners; het komt in iedere overeenkomst te "
            "staan. Kiest u LCV-portaal, dan leveren de partners hier aan en behandelt u de signalen hier. Bij VPS "
            "of xxllnc/RIS leveren zij daar aan. Kiest u 'Anders', dan moet u de aanlevering eerst met iedere "
            "signaalpartner apart afspreken. Wijzigen kan later via de helpdesk."
        ),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, widget=forms.RadioSelect)
    national_coverage = forms.BooleanField(
        label=_("Wij hebben klanten in heel Nederland"),
        required=False,
        help_text=_("Kies dit als u landelijk werkt. Anders kiest u hieronder de gemeenten."),
    )
    municipalities = MunicipalitiesField(
        queryset=Municipality.objects.order_by("name"),
        to_field_name="cbs_code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10, "data-filterable": "true"}),
        help_text=_("Typ in het zoekveld om de lijst te filteren; houd Ctrl (of Cmd) ingedrukt om meer te kiezen."),
        error_messages={"invalid_choice": _("%(value)s is geen gemeente uit de lijst van 342 gemeenten.")},
    )
    has_cosigning_executor = forms.BooleanField(
        label=_("Een uitvoerder ondertekent de overeenkomsten mee"),
        required=False,
        help_text=_(
            "Dit is zelden nodig: alleen als u de uitvoering van vroegsignalering heeft uitbesteed én heeft "
            "afgesproken dat die uitvoerder ook tekent. Meestal tekent alleen de gemeente."
        ),
    )
    kvk_number = forms.CharField(
        label=_("KvK-nummer"), max_length=20, required=False, help_text=_("8 cijfers, zoals in het Handelsregister.")
    )
    cosigning_executor_kvk = forms.CharField(label=_("KvK-nummer van de uitvoerder"), max_length=20, required=False)
    # Honeypot: hidden from people (CSS and aria-hidden); bots that fill every field give themselves away.
    website = forms.CharField(required=False, label=_("Laat dit veld leeg"))

    class Meta:
        model = Registration
        fields = [
            "name",
            "kvk_number",
            "municipality",
            "signal_system",
            "sector",
            "national_coverage",
            "municipalities",
            *PERSON_FIELDS,
            "cosigning_executor_name",
            "cosigning_executor_kvk",
        ]
        labels = {
            "name": _("Naam van de organisatie"),
            "kvk_number": _("KvK-nummer"),
            "contact_name": _("Naam"),
            "contact_email": _("E-mailadres"),
            "contact_phone": _("Telefoonnummer"),
            "contact_job_title": _("Functie"),
            "contact_consents": _("Andere partijen mogen mijn naam, e-mailadres en telefoonnummer zien"),
            "signatory_name": _("Naam"),
            "signatory_email": _("E-mailadres"),
            "signatory_job_title": _("Functie"),
            "cosigning_executor_name": _("Naam van de uitvoerder"),
            "cosigning_executor_kvk": _("KvK-nummer van de uitvoerder"),
        }
        help_texts = {
            "kvk_number": _("8 cijfers, zoals in het Handelsregister."),
            "contact_email": _("Hierheen sturen we de bevestiging en later de uitnodiging."),
            "contact_consents": _(
                "Zo kunnen gemeenten en signaalpartners u rechtstreeks bereiken. Zonder toestemming tonen we "
                "alleen de naam van uw organisatie."
            ),
            "signatory_email": _("De tekenbevoegde krijgt een eigen uitnodiging om in te loggen."),
        }

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        wanted = set(KIND_FIELDS[kind]) | set(PERSON_FIELDS) | {"website"}
        if kind in COSIGNING_KINDS:
            wanted |= {"has_cosigning_executor", "cosigning_executor_name", "cosigning_executor_kvk"}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        for name in ("name", "kvk_number", "sector", "municipality", "signal_system"):
            if name in self.fields:
                self.fields[name].required = True
        for name in ("contact_phone", "contact_job_title", "signatory_job_title"):
            self.fields[name].required = True
        if kind in MUNICIPALITIES_LABEL:
            self.fields["municipalities"].label = MUNICIPALITIES_LABEL[kind]
        for name in ("contact_email", "signatory_email"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def clean_kvk_number(self) -> str:
        value = normalise_kvk(self.cleaned_data.get("kvk_number", ""))
        if value:
            validate_kvk(value)
        return value

    def clean_contact_phone(self) -> str:
        value = (self.cleaned_data.get("contact_phone") or "").strip()
        if value and not is_dutch_phone(value):
            raise phone_error(_("Telefoonnummer contactpersoon"))
        return value

    def clean_cosigning_executor_kvk(self) -> str:
        value = normalise_kvk(self.cleaned_data.get("cosigning_executor_kvk", ""))
        if value:
            validate_kvk(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            # a name or job title is one line: a line break in it ended up in e-mail headers
            if isinstance(value, str) and any(ord(char) < 32 or char in "\x7f\u2028\u2029" for char in value):
                self.add_error(name, _("Gebruik hier één regel tekst, zonder regeleinden of tabs."))
        needs_municipalities = self.kind in (OrganisationKind.JOINT_ARRANGEMENT, OrganisationKind.EXECUTOR)
        if needs_municipalities and not data.get("municipalities") and "municipalities" not in self.errors:
            self.add_error("municipalities", _("Kies minstens één gemeente."))
        if self.kind == OrganisationKind.SIGNAL_PARTNER:
            if data.get("national_coverage"):
                data["municipalities"] = []
            elif not data.get("municipalities") and "municipalities" not in self.errors:
                self.add_error("municipalities", _("Kies de gemeenten waar u klanten heeft, of kies 'heel Nederland'."))
        self._clean_people(data)
        if data.get("has_cosigning_executor"):
            for name in ("cosigning_executor_name", "cosigning_executor_kvk"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Vul dit in als een uitvoerder mee ondertekent."))
        else:
            data["cosigning_executor_name"] = ""
            data["cosigning_executor_kvk"] = ""
        return data

    def _clean_people(self, data: dict[str, Any]) -> None:
        contact, signatory = data.get("contact_email", ""), data.get("signatory_email", "")
        same_address = bool(contact and signatory and contact.lower() == signatory.lower())
        same_name = data.get("contact_name", "").strip().lower() == data.get("signatory_name", "").strip().lower()
        # one person may be both contact and signatory; two people may not share an address
        if same_address and not same_name:
            self.add_error(
                "signatory_email",
                _(
                    "De contactpersoon en de tekenbevoegde zijn verschillende personen, maar hebben hetzelfde "
                    "e-mailadres. Ieder heeft een eigen e-mailadres nodig om in te loggen. Is het dezelfde "
                    "persoon? Vul dan twee keer dezelfde naam in."
                ),
            )
