"""Forms of the handler's screens: Dutch labels, Dutch errors, the input kept on a refusal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lcv.cases.outcomes import DEFINITIONS, ContactKind, Outcome, PartOfDay
from lcv.organisations.models import Sector


class AttemptForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort contact"), choices=ContactKind.choices)
    reached = forms.TypedChoiceField(
        label=_("Inwoner bereikt?"),
        choices=[("ja", _("Ja, ik heb de inwoner gesproken")), ("nee", _("Nee"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
    )
    # a date input takes ISO dates only: in the Dutch format the browser would show today's date empty
    on = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    part_of_day = forms.ChoiceField(
        label=_("Dagdeel"), choices=[("", _("— niet ingevuld —")), *PartOfDay.choices], required=False
    )
    note = forms.CharField(
        label=_("Toelichting (optioneel)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


def _outcome_choices() -> list[tuple[str, Any]]:
    return [
        (value, format_html("<strong>{}</strong><span class='lcv-help'>{}</span>", label, DEFINITIONS[value]))
        for value, label in Outcome.choices
    ]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Resultaat (de definities van het landelijke model)"),
        choices=_outcome_choices,
        widget=forms.RadioSelect(attrs={"class": "lcv-outcomes"}),
        error_messages={"required": _("Kies het resultaat waarmee u de zaak afsluit.")},
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Notitie"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Waarom heropent u de zaak?"), max_length=300)


class AssignForm(forms.Form):
    handler = forms.ChoiceField(label=_("Behandelaar"))

    def __init__(self, *args: Any, handlers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["handler"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(pk), name) for pk, name in handlers]


class FilterForm(forms.Form):
    """The tray's filters (GET)."""

    werkbak = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("Alle")), *Sector.choices], required=False)
    postcode = forms.CharField(label=_("Postcodegebied (4 cijfers)"), max_length=4, required=False)
    behandelaar = forms.ChoiceField(
        label=_("Behandelaar"),
        choices=[("", _("Iedereen")), ("mij", _("Mijn zaken")), ("niemand", _("Nog niet toegewezen"))],
        required=False,
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    termijn = forms.ChoiceField(
        label=_("Termijn"),
        choices=[("", _("Alle")), ("verlopen", _("Verlopen")), ("binnenkort", _("Binnen 3 werkdagen"))],
        required=False,
    )

    def __init__(self, *args: Any, statuses: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Open zaken")), *statuses]

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data["postcode"].strip()
        if value and not (value.isdigit() and len(value) == 4):
            raise forms.ValidationError(_("Vul de vier cijfers van de postcode in, bijvoorbeeld 3511."))
        return value
