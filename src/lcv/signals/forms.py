"""The one-signal form for small private landlords and other partners without a file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lcv.organisations.models import Organisation
from lcv.signals import rules
from lcv.signals.columns import COLUMNS, TYPE_WORDS, WORD_FOR_KIND
from lcv.signals.models import TYPES_BY_SECTOR, Delivery, DeliverySource, SignalKind
from lcv.signals.processing import Context, evaluate

YES_NO = [("ja", _("Ja")), ("nee", _("Nee"))]
LABELS = {
    "klantnummer": _("Uw klantnummer (niet verplicht)"),
    "voorletters": _("Voorletters"),
    "tussenvoegsel": _("Tussenvoegsel"),
    "achternaam": _("Achternaam"),
    "geboortedatum": _("Geboortedatum (dd-mm-jjjj)"),
    "postcode": _("Postcode van de woning"),
    "huisnummer": _("Huisnummer"),
    "toevoeging": _("Toevoeging"),
    "straat": _("Straat"),
    "woonplaats": _("Woonplaats"),
    "telefoon": _("Telefoonnummer"),
    "email": _("E-mailadres"),
    "soort": _("Soort achterstand"),
    "type": _("Soort signaal"),
    "bedrag": _("Bedrag van de achterstand in euro's"),
    "achterstand_sinds": _("Achterstand ontstaan op (dd-mm-jjjj)"),
    "warme_overdracht": _("Warme overdracht: ik sprak de bewoner en vraag de gemeente het over te nemen"),
    "crisis": _("Dreigende situatie (huisuitzetting, afsluiting)"),
    "mvi_toegepast": _("Ik heb eerst maatschappelijk verantwoord geïncasseerd"),
    "persoonlijk_contact_gezocht": _("Ik heb geprobeerd persoonlijk contact te krijgen"),
    "schriftelijke_herinnering": _(
        "Huur: ik stuurde een schriftelijke herinnering die aanbood de gegevens door te geven"
    ),
    "geen_bezwaar_huurder": _("Huur: de huurder maakte geen bezwaar"),
}
CHECKBOXES = (
    "warme_overdracht",
    "crisis",
    "mvi_toegepast",
    "persoonlijk_contact_gezocht",
    "schriftelijke_herinnering",
    "geen_bezwaar_huurder",
)


# R11 refusals, said to the person who left a box unticked
CHECKBOX_MESSAGES = {
    "mvi_toegepast": _("Vink dit aan. Een signaal mag pas nadat u maatschappelijk verantwoord heeft geïncasseerd."),
    "persoonlijk_contact_gezocht": _("Vink dit aan. Een signaal mag pas nadat u persoonlijk contact heeft geprobeerd."),
    "schriftelijke_herinnering": _(
        "Vink dit aan. Bij huur mag een signaal pas na een schriftelijke herinnering die aanbood de gegevens door te "
        "geven."
    ),
    "geen_bezwaar_huurder": _("Vink dit aan. Maakte de huurder bezwaar, dan stuurt u geen signaal."),
}


class SignalForm(forms.Form):
    """Plain text fields, judged by exactly the rules and routing a file's row gets (processing.evaluate),
    before anything is stored: a delivery is made only for a signal that will be admitted. Errors
    stand next to the field they are about, under its label, and the input is kept."""

    reference = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        allowed = TYPES_BY_SECTOR.get(organisation.sector, frozenset())
        for column in COLUMNS:
            if column.rent_only and "rent" not in allowed:
                continue
            label = LABELS[column.name]
            if column.name in CHECKBOXES:
                self.fields[column.name] = forms.BooleanField(label=label, required=False)
            elif column.name == "soort":
                choices = [(word, word) for word, value in TYPE_WORDS.items() if value in allowed]
                self.fields["soort"] = forms.ChoiceField(label=label, choices=choices)
            elif column.name == "type":
                # the kinds R15 allows for at least one of the partner's types
                kinds = [
                    kind
                    for kind in SignalKind.values
                    if any(rules.r15_kind_fits_type({"type": kind, "soort": t}) is None for t in allowed)
                ]
                self.fields["type"] = forms.ChoiceField(
                    label=label, choices=[(WORD_FOR_KIND[k], SignalKind(k).label) for k in kinds]
                )
            else:
                self.fields[column.name] = forms.CharField(
                    label=label, required=False, max_length=254, help_text=column.description
                )
                self.fields[column.name].widget.attrs["autocomplete"] = "off"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        probe = Delivery(
            organisation=self.organisation,
            source=DeliverySource.FORM,
            file_format="json",
            received_at=timezone.now(),
        )
        outcome = evaluate([(1, self.raw_values())], Context(probe), delivery_id=0)
        for _row, column, message in outcome.errors:
            field = column if column in self.fields else None
            if field in CHECKBOX_MESSAGES:
                text = str(CHECKBOX_MESSAGES[field])
            elif message == "ontbreekt":
                text = str(_("Vul dit in."))
            else:
                text = message[:1].upper() + message[1:] + "."
            if field is None or not self.has_error(field):
                self.add_error(field, text)
        return data

    def raw_values(self) -> dict[str, str]:
        """The values as the processing reads them from a file: text, and ja/nee for the checkboxes."""
        values: dict[str, str] = {}
        for name, value in self.cleaned_data.items():
            if name == "reference":
                continue
            if name in CHECKBOXES:
                values[name] = "ja" if value else "nee"
            else:
                values[name] = str(value or "")
        return values
