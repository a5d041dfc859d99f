from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lcv.accounts.forms import TokenForm


class SignForm(TokenForm):
    authorised = forms.BooleanField(
        label=_("Ik verklaar dat ik bevoegd ben om deze overeenkomsten namens mijn organisatie te ondertekenen"),
        error_messages={"required": _("Zonder deze verklaring kunt u niet ondertekenen.")},
    )

    field_order = ["authorised", "code"]
