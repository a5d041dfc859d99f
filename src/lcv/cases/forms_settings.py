"""The forms of the municipal party's contact's pages (settings, weights, trays and rules,
mandates, letter, access log). Messages say in Dutch what to fix, naming the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lcv.cases import mandates, priority
from lcv.cases.letters import MAX_LENGTH
from lcv.cases.models import Approach, CaseSettings, Tray
from lcv.cases.settings_services import MATCHING_DAY_MAX, MATCHING_DAY_MIN, WEIGHT_MAX, WEIGHT_MIN
from lcv.organisations.models import Organisation, Sector

TEXT = {"class": "utrecht-textbox"}
NUMBER = {"class": "utrecht-textbox utrecht-textbox--numeric", "inputmode": "numeric"}
SELECT = {"class": "utrecht-select"}
DATE = forms.DateInput(attrs={"class": "utrecht-textbox", "type": "date"}, format="%Y-%m-%d")
YES_NO_ANY = [("", _("Maakt niet uit")), ("ja", _("Ja")), ("nee", _("Nee"))]
ON_OFF = [("aan", _("Aan: controleer elke zaak in de BRP")), ("uit", _("Uit: geen BRP-controle"))]


def _number(label: Any, low: int, high: int, *, required: bool = True, help_text: Any = "") -> forms.IntegerField:
    bounds = _("Vul een heel getal in van %(low)s tot en met %(high)s.") % {"low": low, "high": high}
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs=NUMBER),
        error_messages={
            "required": _("Vul een getal in."),
            "invalid": bounds,
            "min_value": bounds,
            "max_value": bounds,
        },
    )


def yes_no(value: str) -> bool | None:
    return {"ja": True, "nee": False}.get(value)


def as_yes_no(value: bool | None) -> str:
    return "" if value is None else ("ja" if value else "nee")


class MatchingForm(forms.Form):
    matching = forms.ChoiceField(
        label=_("Wanneer komen nieuwe zaken in de werkbakken?"),
        choices=CaseSettings.Matching.choices,
        widget=forms.RadioSelect,
    )
    matching_day = _number(
        _("Maandelijks matchen na dag van de maand"),
        MATCHING_DAY_MIN,
        MATCHING_DAY_MAX,
        help_text=_("Standaard 25: de zaken komen op de eerste werkdag daarna in de werkbakken, om 07:00."),
    )
    brp_check = forms.ChoiceField(label=_("BRP-controle"), choices=ON_OFF, widget=forms.RadioSelect)


class WeightsForm(forms.Form):
    """One weight per term of the formula (priority.TERMS); no weight per partner (FAQ 32)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for term in priority.TERMS:
            self.fields[term.weight] = _number(
                term.label, WEIGHT_MIN, WEIGHT_MAX, help_text=_("punten %(unit)s") % {"unit": term.unit}
            )

    def weights(self) -> dict[str, int]:
        return {term.weight: self.cleaned_data[term.weight] for term in priority.TERMS}


class TrayForm(forms.Form):
    name = forms.CharField(
        label=_("Naam van de werkbak"),
        max_length=100,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Geef de werkbak een naam.")},
    )
    approach = forms.ChoiceField(
        label=_("Aanpak die de zaken standaard krijgen"), choices=Approach.choices, widget=forms.RadioSelect
    )


class DeleteTrayForm(forms.Form):
    move_to = forms.ChoiceField(
        label=_("Zet de zaken van deze werkbak in"), required=False, widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, others: list[Tray], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["move_to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Kies een werkbak")), *((str(tray.pk), tray.name) for tray in others)]


class RuleForm(forms.Form):
    tray = forms.ChoiceField(label=_("Dan naar werkbak"), widget=forms.Select(attrs=SELECT))
    multiple = forms.ChoiceField(
        label=_("Meerdere sectoren (meervoudig)"), choices=YES_NO_ANY, required=False, widget=forms.Select(attrs=SELECT)
    )
    urgent = forms.ChoiceField(
        label=_("Crisis, afsluiting, eindelevering of bedreigende situatie"),
        choices=YES_NO_ANY,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    sector = forms.ChoiceField(
        label=_("Met een signaal uit de sector"),
        choices=[("", _("Maakt niet uit")), *Sector.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    amount_above = _number(
        _("Totaalbedrag boven (euro)"), 0, 1_000_000, required=False, help_text=_("Leeg: maakt niet uit.")
    )
    under_27 = forms.ChoiceField(
        label=_("Iemand op het adres is jonger dan 27"),
        choices=YES_NO_ANY,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    postcode_from = _number(
        _("Postcode vanaf (4 cijfers)"),
        1000,
        9999,
        required=False,
        help_text=_("Bijvoorbeeld 3511. Leeg: maakt niet uit."),
    )
    postcode_to = _number(
        _("Postcode tot en met (4 cijfers)"), 1000, 9999, required=False, help_text=_("Bijvoorbeeld 3529.")
    )

    def __init__(self, *args: Any, trays: list[Tray], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tray"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(tray.pk), tray.name) for tray in trays]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("postcode_from"), cleaned.get("postcode_to")
        if low is not None and high is not None and low > high:
            self.add_error("postcode_to", _("Deze postcode ligt vóór de postcode bij 'vanaf'. Kies een hogere."))
        return cleaned


class MandateForm(forms.Form):
    executor = forms.ModelChoiceField(
        label=_("Uitvoerder"),
        queryset=Organisation.objects.none(),
        empty_label=_("Kies een uitvoerder"),
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "required": _("Kies een uitvoerder uit de lijst."),
            "invalid_choice": _("Kies een uitvoerder uit de lijst."),
        },
    )
    valid_from = forms.DateField(
        label=_("Vanaf"),
        widget=DATE,
        error_messages={
            "required": _("Vul de begindatum in."),
            "invalid": _("Vul een datum in, bijvoorbeeld 1-4-2026."),
        },
    )
    valid_until = forms.DateField(
        label=_("Tot en met (leeg: zonder einddatum)"),
        required=False,
        widget=DATE,
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 31-12-2026.")},
    )
    trays = forms.MultipleChoiceField(
        label=_("Werkbakken (niets aangevinkt: alle werkbakken)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Kies alleen werkbakken uit de lijst van uw eigen organisatie.")},
    )
    brp_access = forms.BooleanField(
        label=_("De uitvoerder raadpleegt zelf de BRP"),
        required=False,
        help_text=_("Niet aangevinkt: de uitvoerder ziet een zaak pas als de BRP-controle is gedaan."),
    )

    def __init__(self, *args: Any, trays: list[Tray], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        executor = self.fields["executor"]
        assert isinstance(executor, forms.ModelChoiceField)
        executor.queryset = mandates.executors()
        field = self.fields["trays"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(tray.pk), tray.name) for tray in trays]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("Deze datum ligt vóór de datum bij 'Vanaf'. Kies een latere datum."))
        return cleaned


class LetterForm(forms.Form):
    body = forms.CharField(
        label=_("Tekst van de brief"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 24}),
        error_messages={"required": _("De brief is leeg. Schrijf de tekst, of begin opnieuw met de voorbeeldtekst.")},
    )
    phone = forms.CharField(
        label=_("Telefoonnummer voor inwoners"), max_length=30, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    email = forms.EmailField(
        label=_("E-mailadres voor inwoners"),
        max_length=200,
        required=False,
        widget=forms.EmailInput(attrs=TEXT),
        error_messages={"invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld vroegsignalering@gemeente.nl.")},
    )


class AccessLogFilter(forms.Form):
    persoon = forms.CharField(
        label=_("Medewerker (deel van naam of e-mailadres)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**TEXT, "type": "search"}),
    )
    organisatie = forms.CharField(
        label=_("Gemeente of regeling (deel van de naam)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**TEXT, "type": "search"}),
    )
    van = forms.DateField(label=_("Van"), required=False, widget=DATE)
    tot = forms.DateField(label=_("Tot en met"), required=False, widget=DATE)

    def __init__(self, *args: Any, helpdesk: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not helpdesk:
            del self.fields["organisatie"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("van"), cleaned.get("tot")
        if start and end and start > end:
            self.add_error("tot", _("Deze datum ligt vóór de datum bij 'Van'. Kies een latere datum."))
        return cleaned
