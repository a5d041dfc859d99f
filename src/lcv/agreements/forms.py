from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lcv.accounts.forms import TokenForm
from lcv.agreements.addenda import MAX_ADDENDUM_BYTES, AddendumError, check_days


class SignForm(TokenForm):
    authorised = forms.BooleanField(
        label=_("Ik verklaar dat ik bevoegd ben om deze overeenkomsten namens mijn organisatie te ondertekenen"),
        error_messages={"required": _("Zonder deze verklaring kunt u niet ondertekenen.")},
    )

    field_order = ["authorised", "code"]


class EndForm(forms.Form):
    """R9: the reason and the date; checked here, so the messages are Dutch whatever the browser."""

    reden = forms.CharField(
        label=_("Reden"),
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 3}),
        error_messages={
            "required": _("Geef een reden op voor het beëindigen."),
            "max_length": _("Houd de reden korter dan 1000 tekens."),
        },
    )
    einddatum = forms.DateField(
        label=_("Einddatum"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"class": "utrecht-textbox", "type": "date"}, format="%Y-%m-%d"),
        help_text=_("Vandaag of later. Vandaag: de overeenkomst eindigt meteen."),
        error_messages={
            "required": _("Vul de einddatum in."),
            "invalid": _("Vul een geldige einddatum in (dag-maand-jaar)."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def clean_reden(self) -> str:
        reason = str(self.cleaned_data["reden"]).strip()
        if not reason:
            raise forms.ValidationError(_("Geef een reden op voor het beëindigen."))
        return reason

    def clean_einddatum(self) -> date:
        end_date: date = self.cleaned_data["einddatum"]
        if end_date < timezone.localdate():
            raise forms.ValidationError(_("De einddatum kan niet in het verleden liggen. Kies vandaag of later."))
        return end_date


class AddendumForm(forms.Form):
    """An addendum proposal. A browser never fills a file field again, so after an error the person
    chooses the file once more; everything typed stays."""

    omschrijving = forms.CharField(
        label=_("Korte omschrijving"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
        error_messages={
            "required": _("Geef een korte omschrijving van het addendum."),
            "max_length": _("Houd de omschrijving korter dan 300 tekens."),
        },
    )
    bestand = forms.FileField(
        label=_("Addendum (PDF, hoogstens 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        error_messages={
            "required": _("Kies het PDF-bestand van het addendum."),
            "empty": _("Het gekozen bestand is leeg. Kies het PDF-bestand van het addendum."),
        },
    )
    aanleverdagen = forms.CharField(
        label=_("Andere aanleverdagen (optioneel, dagen van de maand, bijv. 1,15)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
    )
    pauzeren = forms.BooleanField(
        label=_("Incasso pauzeren vanaf aanlevering tot vier weken daarna, tenzij hulp is aanvaard"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def clean_omschrijving(self) -> str:
        description = str(self.cleaned_data["omschrijving"]).strip()
        if not description:
            raise forms.ValidationError(_("Geef een korte omschrijving van het addendum."))
        return description

    def clean_bestand(self) -> Any:
        upload = self.cleaned_data["bestand"]
        if upload.size and upload.size > MAX_ADDENDUM_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan 5 MB. Verklein de PDF en probeer het opnieuw."))
        return upload

    def clean_aanleverdagen(self) -> str:
        try:
            return check_days(str(self.cleaned_data["aanleverdagen"]))
        except AddendumError as error:
            raise forms.ValidationError(str(error)) from error
