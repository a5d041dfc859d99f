"""The public /verificatie/ page (R6): is this PDF an intact sealed agreement from this platform?"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from lcv.agreements.documents import NOT_PDF, verify_pdf
from lcv.agreements.models import Agreement, AgreementStatus
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
    context = {"form": form, "result": result, "agreement": agreement, "current": current_status(agreement)}
    return render(request, "agreements/verify.html", context)


def current_status(agreement: Agreement | None) -> str:
    """The agreement's status today, in words: a sealed file stays intact after the agreement ends."""
    if agreement is None:
        return ""
    if agreement.status == AgreementStatus.ENDED:
        day = agreement.ends_on or (agreement.ended_at and timezone.localdate(agreement.ended_at))
        if day:
            return gettext("Let op: de overeenkomst is beëindigd per %(date)s.") % {"date": day.strftime("%d-%m-%Y")}
        return gettext("Let op: de overeenkomst is beëindigd.")
    if agreement.status == AgreementStatus.ACTIVE and agreement.ends_on:
        return gettext("Let op: de overeenkomst is opgezegd en eindigt per %(date)s.") % {
            "date": agreement.ends_on.strftime("%d-%m-%Y")
        }
    if agreement.status == AgreementStatus.ACTIVE:
        return gettext("De overeenkomst is nu actief.")
    return gettext("De overeenkomst heeft nu de status: %(status)s.") % {"status": agreement.get_status_display()}
