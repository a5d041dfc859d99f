from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lcv.organisations.models import ChangeKind, ChangeRequest
from lcv.organisations.validators import is_dutch_phone, phone_error


class ChangeRequestForm(forms.ModelForm[ChangeRequest]):
    kind = forms.ChoiceField(label=_("Wat wilt u wijzigen?"), choices=ChangeKind.choices, widget=forms.RadioSelect)

    class Meta:
        model = ChangeRequest
        fields = ["kind", "new_name", "new_email", "new_phone", "new_job_title", "note"]
        labels = {
            "new_name": _("Naam van de nieuwe persoon"),
            "new_email": _("E-mailadres van de nieuwe persoon"),
            "new_phone": _("Telefoonnummer (optioneel)"),
            "new_job_title": _("Functie"),
            "note": _("Toelichting voor de helpdesk (optioneel)"),
        }
        help_texts = {
            "new_email": _("De nieuwe persoon krijgt hierop een uitnodiging om in te loggen."),
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def clean_new_phone(self) -> str:
        value = (self.cleaned_data.get("new_phone") or "").strip()
        if value and not is_dutch_phone(value):
            raise phone_error(_("Telefoonnummer van de nieuwe persoon"))
        return value
