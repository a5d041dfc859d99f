"""The public /verificatie/ page (R6): is this PDF an intact sealed agreement from this platform?"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from lcv.agreements.documents import NOT_PDF, verify_pdf
from lcv.agreements.models import Agreement
from lcv.core.security import body_limit

MAX_UPLOAD = 10 * 1024 * 1024


class VerifyForm(forms.Form):
    document = forms.FileField(
        label=_("De overeenkomst (PDF)"),
        help_text=_("Het bestand blijft niet bewaard; we controleren alleen het zegel."),
        error_messages={"required": _("Kies het PDF-bestand dat u wilt controleren.")},
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_document(self) -> bytes:
        upload = self.cleaned_data["document"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Het bestand is groter dan 10 MB; een verzegelde overeenkomst is kleiner."))
        data = bytes(upload.read())
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(gettext(NOT_PDF))
        return data


@body_limit(MAX_UPLOAD)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone may check a file; nothing of it is stored."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = agreement = None
    if request.method == "POST" and form.is_valid():
        result = verify_pdf(form.cleaned_data["document"])
        if result.ok and result.agreement_id is not None:
            agreement = (
                Agreement.objects.select_related("municipal_party", "partner", "executor")
                .filter(pk=result.agreement_id)
                .first()
            )
    return render(request, "agreements/verify.html", {"form": form, "result": result, "agreement": agreement})
